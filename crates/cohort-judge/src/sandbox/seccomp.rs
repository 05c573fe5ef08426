//! The policy's system-call rules compiled to seccomp BPF programs with `seccompiler`.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

use super::policy::{DENIED_CLONE_FLAGS, DENIED_SYSCALLS};

/// Three filters, installed in this order: the x32 guard, the deny list (answering `EPERM`),
/// then `clone3` answering `ENOSYS`. All allow everything else.
pub fn programs() -> Result<Vec<BpfProgram>, seccompiler::BackendError> {
    let arch = target_arch();
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = DENIED_SYSCALLS
        .iter()
        .map(|denied| (denied.number, Vec::new()))
        .collect();
    let clone_rules = DENIED_CLONE_FLAGS
        .iter()
        .map(|(_, flag)| {
            SeccompRule::new(vec![SeccompCondition::new(
                0,
                SeccompCmpArgLen::Qword,
                SeccompCmpOp::MaskedEq(*flag),
                *flag,
            )?])
        })
        .collect::<Result<Vec<_>, _>>()?;
    rules.insert(libc::SYS_clone, clone_rules);
    let deny = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )?;
    let no_clone3 = SeccompFilter::new(
        BTreeMap::from([(libc::SYS_clone3, Vec::new())]),
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        arch,
    )?;
    Ok(vec![x32_guard(), deny.try_into()?, no_clone3.try_into()?])
}

/// The x32 ABI reports the x86-64 architecture with bit 30 set in the call number, so rules
/// keyed on x86-64 numbers would not match x32 calls. This filter refuses every call with that
/// bit set before the others look at it.
fn x32_guard() -> BpfProgram {
    use seccompiler::sock_filter;
    const X32_SYSCALL_BIT: u32 = 0x4000_0000;
    const LOAD_WORD_ABSOLUTE: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JUMP_GREATER_EQUAL: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
    const RETURN: u16 = 0x06; // BPF_RET | BPF_K
    const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
    const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
    let instruction = |code, jt, jf, k| sock_filter { code, jt, jf, k };
    vec![
        // seccomp_data.nr is at offset 0.
        instruction(LOAD_WORD_ABSOLUTE, 0, 0, 0),
        instruction(JUMP_GREATER_EQUAL, 0, 1, X32_SYSCALL_BIT),
        instruction(RETURN, 0, 0, SECCOMP_RET_ERRNO | libc::EPERM as u32),
        instruction(RETURN, 0, 0, SECCOMP_RET_ALLOW),
    ]
}

fn target_arch() -> TargetArch {
    #[cfg(target_arch = "x86_64")]
    {
        TargetArch::x86_64
    }
    #[cfg(target_arch = "aarch64")]
    {
        TargetArch::aarch64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_compiles_to_an_x32_guard_and_two_non_empty_filters() {
        let programs = programs().unwrap();
        assert_eq!(programs.len(), 3);
        assert_eq!(programs[0].len(), 4, "the x32 guard");
        // One instruction at least per denied call, plus the architecture check.
        assert!(programs[1].len() > DENIED_SYSCALLS.len());
        assert!(!programs[2].is_empty());
    }
}

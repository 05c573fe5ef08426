//! The policy's system-call rules compiled to seccomp BPF programs with `seccompiler`.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

use super::policy::{DENIED_CLONE_FLAGS, DENIED_SYSCALLS};

/// Two filters, installed in this order: the deny list (answering `EPERM`), then `clone3`
/// answering `ENOSYS`. Both allow everything else.
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
    Ok(vec![deny.try_into()?, no_clone3.try_into()?])
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
    fn the_policy_compiles_to_two_non_empty_filters() {
        let programs = programs().unwrap();
        assert_eq!(programs.len(), 2);
        // One instruction at least per denied call, plus the architecture check.
        assert!(programs[0].len() > DENIED_SYSCALLS.len());
        assert!(!programs[1].is_empty());
    }
}

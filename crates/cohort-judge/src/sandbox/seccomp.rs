//! The policy's system-call rules compiled by hand into one classic BPF program for seccomp.
//!
//! Hand-written because the program's shape is the cost of every run. When a filter is installed
//! the kernel runs it once for every system-call number to find the calls it always allows (those
//! then skip the filter entirely), so the installation costs the number of calls times the length
//! of the path through the program. A general compiler tests the denied calls one after another
//! (a path of about a hundred instructions for every allowed call); here they are found by a
//! binary search over the sorted numbers, a path of about a dozen. That took a run's overhead
//! from 0.55 ms to well under it on the development machine (see `scripts/bench --suite judge`).

use super::policy::{DENIED_CLONE_FLAGS, DENIED_SYSCALLS};

/// One classic BPF instruction, as the kernel reads it (`struct sock_filter`).
pub type Instruction = libc::sock_filter;

/// A whole filter program.
pub type Program = Vec<Instruction>;

// The instruction codes used (see linux/filter.h and linux/bpf_common.h).
const LOAD_WORD_ABSOLUTE: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JUMP_EQUAL: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JUMP_GREATER_EQUAL: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const JUMP_ANY_BIT_SET: u16 = 0x45; // BPF_JMP | BPF_JSET | BPF_K
const RETURN: u16 = 0x06; // BPF_RET | BPF_K

// What the filter answers (see linux/seccomp.h).
const SECCOMP_RET_KILL_PROCESS: u32 = 0x8000_0000;
const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;

// Offsets into `struct seccomp_data`: the call number, the architecture, then six 64-bit
// arguments. Both supported architectures are little-endian, so an argument's low 32 bits are
// at its own offset.
const NUMBER: u32 = 0;
const ARCHITECTURE: u32 = 4;
const FIRST_ARGUMENT_LOW_WORD: u32 = 16;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// The x32 ABI reports the x86-64 architecture with this bit set in the call number.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// A leaf of the search tests at most this many numbers one after another: below it, a further
/// split costs more instructions than it saves.
const LEAF_SIZE: usize = 3;

/// The program could not be laid out within classic BPF's 8-bit jump offsets.
#[derive(Debug, thiserror::Error)]
#[error("the system-call filter does not fit classic BPF: {0}")]
pub struct FilterError(String);

/// The whole policy as one program, in this order: a call from another architecture kills the
/// process; an x32 call (bit 30 set in the number, which would dodge rules keyed on x86-64
/// numbers) is refused; `clone3` answers `ENOSYS` because it passes its flags in memory, where a
/// filter cannot read them, so C libraries fall back to `clone`; `clone` with a namespace flag is
/// refused; then a binary search over the denied numbers refuses those with `EPERM`; everything
/// else is allowed.
pub fn program() -> Result<Program, FilterError> {
    let refused = SECCOMP_RET_ERRNO | libc::EPERM as u32;
    let mut program = vec![
        instruction(LOAD_WORD_ABSOLUTE, 0, 0, ARCHITECTURE),
        instruction(JUMP_EQUAL, 1, 0, AUDIT_ARCH),
        instruction(RETURN, 0, 0, SECCOMP_RET_KILL_PROCESS),
        instruction(LOAD_WORD_ABSOLUTE, 0, 0, NUMBER),
        instruction(JUMP_GREATER_EQUAL, 0, 1, X32_SYSCALL_BIT),
        instruction(RETURN, 0, 0, refused),
        instruction(JUMP_EQUAL, 0, 1, libc::SYS_clone3 as u32),
        instruction(RETURN, 0, 0, SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
        // clone: load its flags (the namespace flags all lie in the low 32 bits) and refuse any
        // of them; the call number is not needed again on this path.
        instruction(JUMP_EQUAL, 0, 4, libc::SYS_clone as u32),
        instruction(LOAD_WORD_ABSOLUTE, 0, 0, FIRST_ARGUMENT_LOW_WORD),
        instruction(JUMP_ANY_BIT_SET, 0, 1, namespace_flags()?),
        instruction(RETURN, 0, 0, refused),
        instruction(RETURN, 0, 0, SECCOMP_RET_ALLOW),
    ];
    let mut denied: Vec<u32> = DENIED_SYSCALLS
        .iter()
        .map(|denied| denied.number as u32)
        .collect();
    denied.sort_unstable();
    denied.dedup();
    program.extend(search(&denied, refused)?);
    if program.len() > usize::from(u16::MAX) {
        return Err(FilterError(format!("{} instructions", program.len())));
    }
    Ok(program)
}

fn namespace_flags() -> Result<u32, FilterError> {
    let all = DENIED_CLONE_FLAGS
        .iter()
        .fold(0u64, |all, (_, flag)| all | flag);
    u32::try_from(all).map_err(|_| FilterError("a namespace flag above bit 31".into()))
}

/// A block that returns `refused` when the loaded call number is one of `numbers` (sorted, no
/// repeats) and allows it otherwise. Each half of a split is a block of its own, so every jump
/// stays inside its block and the offsets grow only with the size of a half.
fn search(numbers: &[u32], refused: u32) -> Result<Program, FilterError> {
    if numbers.len() <= LEAF_SIZE {
        // One test per number, each jumping over the rest and the "allow" to the shared refusal.
        let mut block: Program = numbers
            .iter()
            .enumerate()
            .map(|(index, &number)| {
                let later_tests = (numbers.len() - index - 1) as u8;
                instruction(JUMP_EQUAL, later_tests + 1, 0, number)
            })
            .collect();
        block.push(instruction(RETURN, 0, 0, SECCOMP_RET_ALLOW));
        block.push(instruction(RETURN, 0, 0, refused));
        return Ok(block);
    }
    let middle = numbers.len() / 2;
    let lower = search(&numbers[..middle], refused)?;
    let upper = search(&numbers[middle..], refused)?;
    let over_lower = u8::try_from(lower.len())
        .map_err(|_| FilterError(format!("a jump over {} instructions", lower.len())))?;
    let mut block = vec![instruction(
        JUMP_GREATER_EQUAL,
        over_lower,
        0,
        numbers[middle],
    )];
    block.extend(lower);
    block.extend(upper);
    Ok(block)
}

fn instruction(code: u16, jt: u8, jf: u8, k: u32) -> Instruction {
    Instruction { code, jt, jf, k }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the kernel would answer, found by interpreting the program the way the kernel does
    /// for the instructions it may contain. Written apart from the compiler so that a mistake
    /// in the layout cannot hide itself.
    fn run(program: &[Instruction], architecture: u32, number: u32, first_argument: u64) -> u32 {
        steps(program, architecture, number, first_argument).0
    }

    /// The answer and how many instructions were executed to reach it.
    fn steps(
        program: &[Instruction],
        architecture: u32,
        number: u32,
        first_argument: u64,
    ) -> (u32, usize) {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&number.to_le_bytes());
        data[4..8].copy_from_slice(&architecture.to_le_bytes());
        data[16..24].copy_from_slice(&first_argument.to_le_bytes());
        let mut accumulator = 0u32;
        let mut at = 0usize;
        for executed in 1.. {
            let step = program.get(at).expect("the program ran off its end");
            let jump = |taken: bool| at + 1 + usize::from(if taken { step.jt } else { step.jf });
            at = match step.code {
                LOAD_WORD_ABSOLUTE => {
                    let offset = step.k as usize;
                    accumulator = u32::from_le_bytes(data[offset..offset + 4].try_into().unwrap());
                    at + 1
                }
                JUMP_EQUAL => jump(accumulator == step.k),
                JUMP_GREATER_EQUAL => jump(accumulator >= step.k),
                JUMP_ANY_BIT_SET => jump(accumulator & step.k != 0),
                RETURN => return (step.k, executed),
                other => panic!("unexpected instruction {other:#x}"),
            };
        }
        unreachable!("an endless program")
    }

    #[test]
    fn every_call_number_gets_the_answer_the_policy_gives_it() {
        let program = program().unwrap();
        let refused = SECCOMP_RET_ERRNO | libc::EPERM as u32;
        for number in 0..2048u32 {
            let answer = run(&program, AUDIT_ARCH, number, 0);
            let expected = if number == libc::SYS_clone3 as u32 {
                SECCOMP_RET_ERRNO | libc::ENOSYS as u32
            } else if DENIED_SYSCALLS.iter().any(|d| d.number as u32 == number) {
                refused
            } else {
                SECCOMP_RET_ALLOW
            };
            assert_eq!(answer, expected, "call number {number}");
        }
    }

    #[test]
    fn clone_is_refused_with_any_namespace_flag_and_allowed_without() {
        let program = program().unwrap();
        let clone = libc::SYS_clone as u32;
        let thread = (libc::CLONE_VM | libc::CLONE_THREAD | libc::CLONE_SIGHAND) as u64;
        assert_eq!(run(&program, AUDIT_ARCH, clone, thread), SECCOMP_RET_ALLOW);
        assert_eq!(run(&program, AUDIT_ARCH, clone, 17), SECCOMP_RET_ALLOW);
        for (name, flag) in DENIED_CLONE_FLAGS {
            assert_eq!(
                run(&program, AUDIT_ARCH, clone, thread | flag),
                SECCOMP_RET_ERRNO | libc::EPERM as u32,
                "{name}"
            );
        }
    }

    #[test]
    fn another_architecture_is_killed_and_x32_numbers_are_refused() {
        let program = program().unwrap();
        let i386 = 0x4000_0003;
        assert_eq!(run(&program, i386, 1, 0), SECCOMP_RET_KILL_PROCESS);
        for number in [0, 1, libc::SYS_ptrace as u32, 512, 0x3fff_ffff] {
            assert_eq!(
                run(&program, AUDIT_ARCH, X32_SYSCALL_BIT | number, 0),
                SECCOMP_RET_ERRNO | libc::EPERM as u32
            );
        }
    }

    #[test]
    fn an_allowed_call_passes_a_short_path_through_the_program() {
        // The reason for the hand-written layout: the kernel interprets the program for every
        // call number when it is installed.
        let program = program().unwrap();
        let longest = (0..1024u32)
            .map(|number| steps(&program, AUDIT_ARCH, number, 0).1)
            .max()
            .unwrap();
        assert!(longest <= 20, "the longest path is {longest} instructions");
        assert!(program.len() < 4096, "the kernel's limit");
    }
}

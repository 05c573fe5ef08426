//! The `cohort` command. It parses arguments, runs one command and reports errors; everything
//! else lives in the library crates.

mod cli;
mod judge_cli;
mod plan_cli;
mod worker_cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    // The judge starts sandbox supervisors by executing this binary with a private argument.
    if std::env::args_os().nth(1).as_deref()
        == Some(cohort_judge::sandbox::SUPERVISOR_ARGUMENT.as_ref())
    {
        cohort_judge::sandbox::supervisor_main();
    }
    let arguments = cli::Arguments::parse();
    cli::init_logging(&arguments.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(arguments)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

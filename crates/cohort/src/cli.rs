//! Command-line arguments and the commands they run.

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use cohort_domain::input::{Email, NewPassword, Text};
use cohort_domain::Role;
use cohort_store::Store;
use cohort_web::{AppState, Config};
use std::path::PathBuf;

/// Cohort runs a company's internship program end to end: seasons and openings, applications,
/// the recruiting pipeline, and (as it grows) assessments, interviews, offers and the program.
#[derive(Parser, Debug)]
#[command(name = "cohort", version, about)]
pub struct Arguments {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalOptions {
    /// Database URL: sqlite:///path/to/cohort.db or postgres://user@host/db. Defaults to a SQLite
    /// file in the data directory.
    #[arg(long, env = "COHORT_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Directory for the SQLite database, uploaded résumés and written mail.
    #[arg(
        long,
        env = "COHORT_DATA_DIR",
        default_value = "cohort-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Address and port to listen on.
    #[arg(
        long,
        env = "COHORT_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: String,
    /// The URL people use to reach Cohort, for links in emails (defaults to http://<listen>).
    /// With https:// cookies are marked Secure.
    #[arg(long, env = "COHORT_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the client (addresses or
    /// networks, comma-separated, for example 10.0.0.0/8,127.0.0.1). Without it those headers
    /// are ignored and the connection's address is the client's.
    #[arg(long, env = "COHORT_TRUSTED_PROXIES", global = true, value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Deliver mail through this SMTP relay (smtp://host:port). Without it, mail is written as
    /// .eml files under <data-dir>/mail.
    #[arg(long, env = "COHORT_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Shadow interviews an interviewer in training sits in on before leading under watch.
    #[arg(long, env = "COHORT_SHADOWS_TO_GRADUATE", global = true, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub shadows_to_graduate: u32,
    /// Interviews led under watch before a bar raiser may sign the interviewer off.
    #[arg(long, env = "COHORT_REVERSE_SHADOWS_TO_GRADUATE", global = true, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub reverse_shadows_to_graduate: u32,
    /// How many days ahead candidates may book a phone screen.
    #[arg(long, env = "COHORT_BOOKING_DAYS", global = true, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub booking_days: u32,
    /// Until how many hours before its start a candidate may move or cancel a phone screen; also
    /// the least notice an interviewer gets of a new booking.
    #[arg(long, env = "COHORT_BOOKING_CUTOFF_HOURS", global = true, default_value_t = 24, value_parser = clap::value_parser!(u32).range(0..=168))]
    pub booking_cutoff_hours: u32,
    /// Read interviewers' subscribed calendars from local and private network addresses too
    /// (an intranet calendar server). Off by default: an address an interviewer gives could
    /// otherwise reach this machine's own services.
    #[arg(long, env = "COHORT_CALENDAR_PRIVATE_ADDRESSES", global = true)]
    pub calendar_private_addresses: bool,
    /// Minutes kept free before and after each of an interviewer's interviews.
    #[arg(long, env = "COHORT_INTERVIEW_BUFFER_MINUTES", global = true, default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=120))]
    pub interview_buffer_minutes: u32,
    /// Hours after an interview ends by which its interviewer's feedback is due.
    #[arg(long, env = "COHORT_FEEDBACK_DUE_HOURS", global = true, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=336))]
    pub feedback_due_hours: u32,
    /// Sender address of notifications.
    #[arg(
        long,
        env = "COHORT_MAIL_FROM",
        default_value = "Cohort <no-reply@cohort.localhost>",
        global = true
    )]
    pub mail_from: String,
    /// Do not run background workers (mail delivery, search indexing) in this process.
    #[arg(long, env = "COHORT_NO_WORKERS", global = true)]
    pub no_workers: bool,
    /// Database connections per pool.
    #[arg(
        long,
        env = "COHORT_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub max_connections: u32,
    /// Log format: "text" for people, "json" for log collectors.
    #[arg(long, env = "COHORT_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
    /// Run a judge worker inside the server: "auto" runs one on SQLite and none on PostgreSQL
    /// (where `cohort worker` processes do the judging).
    #[arg(
        long,
        env = "COHORT_IN_PROCESS_JUDGE",
        value_enum,
        default_value = "auto",
        global = true
    )]
    pub in_process_judge: InProcessJudge,
    #[command(flatten)]
    pub judge: crate::judge_cli::JudgeSetup,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InProcessJudge {
    Auto,
    On,
    Off,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (applies pending migrations first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Create (or reuse) a demo season with thousands of candidates, then serve it.
    Demo {
        /// How many candidates to create the first time.
        #[arg(long, default_value_t = 2000)]
        candidates: usize,
        /// Create the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// A folder of problem packages to add to the problem bank with the demo season,
        /// instead of the built-in problems (which are inside the binary).
        #[arg(long)]
        problems: Option<PathBuf>,
        /// Do not add any problems.
        #[arg(long)]
        no_problems: bool,
    },
    /// Judge solutions against problem packages in the sandbox (no database needed).
    Judge(crate::judge_cli::JudgeArguments),
    /// Run a judge worker: claim judging jobs from the database until stopped (SIGTERM or
    /// Ctrl-C finish the job in hand first). Needs root for the sandbox.
    Worker {
        /// Run the jobs that are due now, then exit.
        #[arg(long)]
        once: bool,
        /// Seconds a claimed job is held; a job whose worker died is taken over after this.
        #[arg(long, env = "COHORT_JOB_LEASE_SECONDS", default_value_t = cohort_worker::LEASE_SECONDS)]
        lease_seconds: i64,
    },
    /// Manage the online assessment's problem bank.
    Problems {
        #[command(subcommand)]
        command: ProblemsCommand,
    },
    /// Interviews from the database, for the planning engines.
    Interviews {
        #[command(subcommand)]
        command: InterviewsCommand,
    },
    /// Run a planning engine on a JSON instance (no database needed).
    Plan {
        #[command(subcommand)]
        command: crate::plan_cli::PlanCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum InterviewsCommand {
    /// Write a week of final loops as the instance `cohort plan loops` schedules: the season's
    /// candidates in Final loop, its loop templates, and every interviewer with a profile, free
    /// inside their hours and outside their time off, calendar and interviews.
    Week {
        /// The season's id (shown in its address, /staff/seasons/ID).
        #[arg(long)]
        season: i64,
        /// The dates loops may be held on, comma-separated: 2027-03-15,2027-03-16.
        #[arg(long, value_delimiter = ',', required = true)]
        days: Vec<chrono::NaiveDate>,
        /// Write the instance here instead of to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProblemsCommand {
    /// Add problem package folders (Kattis format) to the bank as built-in problems. A package
    /// already in the bank is reported and left alone. Each is verified by a judge worker.
    Import {
        /// Package folders, for example problems/*.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
    },
    /// List the problems in the bank with their verification status.
    List,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an administrator (to bootstrap a new installation).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// The password; read from COHORT_ADMIN_PASSWORD if not given, generated and printed if neither.
        #[arg(long, env = "COHORT_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Manage API tokens (for scripts and Prometheus, without the browser).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token and print it (only the token, on standard output, once: it is stored
    /// only as a hash).
    Create {
        /// What the token is for, as the Administration page lists it ("Prometheus").
        #[arg(long)]
        name: String,
        /// What it may do: `read`, `write`, or both (`read,write`).
        #[arg(long, value_delimiter = ',', required = true)]
        scope: Vec<String>,
        /// The administrator recorded as its creator; by default the first administrator.
        #[arg(long)]
        by: Option<String>,
    },
}

pub fn init_logging(options: &GlobalOptions) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COHORT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if options.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn config(options: &GlobalOptions) -> anyhow::Result<Config> {
    let database_url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", options.data_dir.join("cohort.db").display()));
    Ok(Config {
        database_url,
        data_dir: options.data_dir.clone(),
        base_url: options
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", options.listen))
            .trim_end_matches('/')
            .to_owned(),
        mail: cohort_app::mail::MailSettings::parse(
            options.smtp_url.as_deref(),
            &options.mail_from,
        )?,
        run_workers: !options.no_workers,
        max_connections: options.max_connections,
        judge_languages: crate::judge_cli::language_table(options.judge.languages.as_deref())?,
        trusted_proxies: options.trusted_proxies.clone(),
        graduation: cohort_domain::interviews::profile::GraduationRule {
            shadows: options.shadows_to_graduate,
            reverse_shadows: options.reverse_shadows_to_graduate,
        },
        booking: booking_policy(options),
        calendar_private_addresses: options.calendar_private_addresses,
        feedback_due_hours: options.feedback_due_hours,
    })
}

/// The phone-screen booking policy from the flags; the grid of start times stays at 15 minutes.
fn booking_policy(options: &GlobalOptions) -> cohort_domain::interviews::booking::BookingPolicy {
    let cutoff = chrono::Duration::hours(i64::from(options.booking_cutoff_hours));
    cohort_domain::interviews::booking::BookingPolicy {
        horizon_days: options.booking_days,
        cutoff,
        buffer: chrono::Duration::minutes(i64::from(options.interview_buffer_minutes)),
        notice: cutoff,
        ..Default::default()
    }
}

/// A proxy's address or network: `10.0.0.0/8`, or one address (`127.0.0.1`, `::1`).
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or network (such as 10.0.0.0/8)"))
}

pub async fn run(arguments: Arguments) -> anyhow::Result<()> {
    let options = arguments.global;
    match arguments.command {
        Command::Serve => serve(&options).await,
        Command::Migrate => {
            let config = config(&options)?;
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("creating {}", config.data_dir.display()))?;
            let store = Store::connect(&config.database_url, 2)
                .await
                .context("connecting to the database")?;
            store.migrate().await.context("applying migrations")?;
            println!("migrations applied ({})", store.backend().name());
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    name,
                    password,
                },
        } => create_admin(&options, &email, &name, password).await,
        Command::Admin {
            command:
                AdminCommand::Token {
                    command: TokenCommand::Create { name, scope, by },
                },
        } => create_token(&options, &name, &scope, by.as_deref()).await,
        Command::Demo {
            candidates,
            no_serve,
            problems,
            no_problems,
        } => {
            demo(
                &options,
                candidates,
                no_serve,
                if no_problems {
                    ProblemSource::None
                } else {
                    problems.map_or(ProblemSource::BuiltIn, ProblemSource::Folder)
                },
            )
            .await
        }
        Command::Problems { command } => problems(&options, command).await,
        Command::Interviews { command } => interviews(&options, command).await,
        Command::Plan { command } => {
            tokio::task::spawn_blocking(move || crate::plan_cli::run(command))
                .await
                .context("the planning thread failed")?
        }
        Command::Worker {
            once,
            lease_seconds,
        } => crate::worker_cli::run(&options, &config(&options)?, once, lease_seconds).await,
        Command::Judge(arguments) => {
            let setup = options.judge.clone();
            let code = tokio::task::spawn_blocking(move || crate::judge_cli::run(arguments, setup))
                .await
                .context("the judge thread failed")??;
            if code != 0 {
                std::process::exit(code.into());
            }
            Ok(())
        }
    }
}

async fn interviews(options: &GlobalOptions, command: InterviewsCommand) -> anyhow::Result<()> {
    let InterviewsCommand::Week { season, days, out } = command;
    let config = config(options)?;
    let store = Store::connect(&config.database_url, 2)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    if !store.seasons().await?.iter().any(|s| s.id == season) {
        anyhow::bail!("there is no season {season}");
    }
    let blobs = cohort_store::blob::DirectoryBlobStore::new(config.data_dir.join("blobs"))
        .context("opening the blob store")?;
    let app = cohort_app::App::new(store, std::sync::Arc::new(blobs), config);
    let gathered = cohort_app::interviews::planning::season_week(&app, season, &days)
        .await
        .context("gathering the week")?;
    for (candidate, reason) in &gathered.left_out {
        eprintln!("left out {candidate}: {reason}");
    }
    let week = gathered.instance;
    let text = serde_json::to_string_pretty(&week)? + "\n";
    eprintln!(
        "{} candidates in Final loop, {} loop templates, {} interviewers",
        week.candidates.len(),
        week.templates.len(),
        week.interviewers.len()
    );
    match out {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(())
}

async fn problems(options: &GlobalOptions, command: ProblemsCommand) -> anyhow::Result<()> {
    let config = config(options)?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let store = Store::connect(&config.database_url, 2)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    match command {
        ProblemsCommand::Import { folders } => {
            let languages = config.judge_languages.clone();
            let blobs = cohort_store::blob::DirectoryBlobStore::new(config.data_dir.join("blobs"))
                .context("opening the blob store")?;
            let now = chrono::Utc::now().timestamp();
            let mut refused = 0;
            for folder in &folders {
                match cohort_app::problems::bank::add_folder(
                    &store, &blobs, &languages, folder, now,
                )
                .await
                {
                    Ok(added) => println!(
                        "{}: added as problem {} ({}), waiting for a judge worker to verify it",
                        folder.display(),
                        added.problem_id,
                        added.name
                    ),
                    Err(cohort_app::problems::bank::BankError::Duplicate(id)) => {
                        println!("{}: already in the bank as problem {id}", folder.display())
                    }
                    Err(error) => {
                        refused += 1;
                        eprintln!("{}: {error}", folder.display());
                    }
                }
            }
            if refused > 0 {
                anyhow::bail!("{refused} of {} packages were refused", folders.len());
            }
        }
        ProblemsCommand::List => {
            for problem in store.problems().await? {
                println!(
                    "{:>4}  {:<16} {:<28} {:<9} {} tests, {} ms, {} MiB{}",
                    problem.id,
                    problem.slug,
                    problem.name,
                    problem.status,
                    problem.test_count,
                    problem.time_limit_ms,
                    problem.memory_mib,
                    if problem.built_in == 1 {
                        ", built in"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    store.close().await;
    Ok(())
}

async fn serve(options: &GlobalOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&options.listen)
        .await
        .with_context(|| format!("listening on {}", options.listen))?;
    let state = AppState::start(config(options)?)
        .await
        .context("starting Cohort")?;
    serve_state(options, listener, state).await
}

/// Serves `state` with its workers, plus the in-process judge worker if there is one.
async fn serve_state(
    options: &GlobalOptions,
    listener: tokio::net::TcpListener,
    state: AppState,
) -> anyhow::Result<()> {
    let judge = crate::worker_cli::in_process(options, state.app())?;
    if let Some(worker) = &judge {
        state.app().set_judge_waker(worker.waker());
    }
    cohort_web::run_with(listener, state, shutdown_signal(), move |stop| {
        judge
            .map(|worker| tokio::spawn(async move { worker.run(stop).await }))
            .into_iter()
            .collect()
    })
    .await
    .context("serving")?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so the server can finish in-flight requests.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn create_admin(
    options: &GlobalOptions,
    email: &str,
    name: &str,
    password: Option<String>,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = Text::required(name, "a name", 120).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let (password, generated) = match password {
        Some(password) => (password, false),
        None => (cohort_web::auth::new_token()[..20].to_owned(), true),
    };
    let password = NewPassword::parse(&password).map_err(|e| anyhow::anyhow!("--password: {e}"))?;
    let state = AppState::start(config(options)?)
        .await
        .context("opening the database")?;
    let hash =
        cohort_web::auth::hash_password(password.expose()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = state.store().begin().await?;
    match state.store().user_by_email(email.as_str()).await? {
        Some(user) => {
            Store::grant_roles(&mut tx, user.id, &[Role::Administrator]).await?;
            Store::set_password(&mut tx, user.id, &hash).await?;
            // The operator vouches for the address, as for a new administrator.
            Store::confirm_email(&mut tx, user.id, state.now()).await?;
        }
        None => {
            Store::create_user(
                &mut tx,
                email.as_str(),
                name.as_str(),
                Some(&hash),
                &[Role::Administrator],
                state.now(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    println!("administrator {email} is ready");
    if generated {
        println!("password: {}", password.expose());
    }
    state.store().close().await;
    Ok(())
}

async fn create_token(
    options: &GlobalOptions,
    name: &str,
    scopes: &[String],
    by: Option<&str>,
) -> anyhow::Result<()> {
    let name = Text::required(name, "a name for the token", 80)
        .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let known: Vec<&str> = cohort_web::auth::API_SCOPES
        .iter()
        .map(|(s, _)| *s)
        .collect();
    let mut chosen: Vec<&str> = Vec::new();
    for scope in scopes {
        let scope = scope.trim();
        let Some(known) = known.iter().find(|k| **k == scope) else {
            anyhow::bail!(
                "--scope: {scope:?} is not a scope; use {}",
                known.join(", ")
            );
        };
        if !chosen.contains(known) {
            chosen.push(known);
        }
    }
    let state = AppState::start(config(options)?)
        .await
        .context("opening the database")?;
    let creator = match by {
        Some(email) => {
            let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--by: {e}"))?;
            let user = state
                .store()
                .user_by_email(email.as_str())
                .await?
                .with_context(|| format!("--by: no account has the address {email}"))?;
            let account = state.store().account(user.id).await?;
            if !account.is_some_and(|a| a.has(Role::Administrator)) {
                anyhow::bail!("--by: {email} is not an administrator");
            }
            user.id
        }
        None => state.store().first_administrator().await?.context(
            "there is no administrator to record as the token's creator; create one with `cohort admin create`",
        )?,
    };
    let token = format!("cohort_{}", cohort_web::auth::new_token());
    let id = state
        .store()
        .create_api_token(
            &cohort_web::auth::token_hash(&token),
            name.as_str(),
            &chosen,
            creator,
            state.now(),
        )
        .await?;
    eprintln!(
        "token {id} \"{}\" created with scope {}; it is shown once:",
        name.as_str(),
        chosen.join(",")
    );
    println!("{token}");
    state.store().close().await;
    Ok(())
}

/// Where `cohort demo` takes its problems from.
enum ProblemSource {
    None,
    BuiltIn,
    Folder(PathBuf),
}

async fn demo(
    options: &GlobalOptions,
    candidates: usize,
    no_serve: bool,
    problems: ProblemSource,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // A wrong folder is reported before anything is created, not skipped in silence.
    if let ProblemSource::Folder(folder) = &problems {
        if !folder.is_dir() {
            bail!("--problems: {} is not a folder", folder.display());
        }
    }
    let listener = if no_serve {
        None
    } else {
        Some(
            tokio::net::TcpListener::bind(&options.listen)
                .await
                .with_context(|| format!("listening on {}", options.listen))?,
        )
    };
    let config = config(options)?;
    if !config.database_url.starts_with("sqlite:") && options.database_url.is_some() {
        tracing::info!(
            "running the demo against {}",
            config
                .database_url
                .split('@')
                .next_back()
                .unwrap_or_default()
        );
    }
    let state = AppState::start(config).await.context("starting Cohort")?;
    let hash = cohort_web::auth::hash_password(cohort_demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut demo_options = cohort_demo::DemoOptions::new(state.now());
    demo_options.candidates = candidates.max(1);
    let season = cohort_demo::ensure_demo(state.app(), &demo_options, &hash)
        .await
        .context("creating the demo season")?;
    // The built-in problem bank, added with the season (not on every start, which must be fast).
    let problems_added = match &problems {
        _ if !season.created => 0,
        ProblemSource::None => 0,
        ProblemSource::Folder(folder) => import_problem_folder(&state, folder).await?,
        ProblemSource::BuiltIn => {
            let scratch =
                tempfile::tempdir().context("a scratch folder for the built-in problems")?;
            cohort_demo::extract_builtin_problems(scratch.path())
                .context("writing out the built-in problems")?;
            import_problem_folder(&state, scratch.path()).await?
        }
    };
    let mut sessions_seeded = 0;
    if season.created {
        cohort_demo::ensure_demo_assessments(state.store(), season.season_id, state.now())
            .await
            .context("creating the demo assessments")?;
        sessions_seeded =
            cohort_demo::seed_demo_assessment_results(state.store(), season.season_id, state.now())
                .await
                .context("seeding the demo's assessment results")?;
    }
    // Kept up on every start, so that a demo made before interviews existed gets them too.
    let loop_templates = cohort_demo::ensure_demo_interviews(state.app(), season.season_id)
        .await
        .context("seeding the demo's interviews")?;
    let interviewers = cohort_demo::ensure_demo_interviewers(state.app(), &hash)
        .await
        .context("seeding the demo's interviewers")?;
    let phone_screens = cohort_demo::ensure_demo_phone_screens(state.app(), season.season_id)
        .await
        .context("booking the demo's phone screens")?;
    let coordinator = state
        .store()
        .user_by_email(cohort_demo::DEMO_ACCOUNTS[1].0)
        .await?
        .map(|user| user.id)
        .context("the demo's recruiter")?;
    let questions = cohort_demo::ensure_demo_questions(state.app(), coordinator)
        .await
        .context("seeding the demo's question bank")?;
    // Last week first: its loops take some of the candidates waiting in Final loop, and the
    // weeks ahead are planned from the rest.
    let past = cohort_demo::ensure_past_week(
        state.app(),
        season.season_id,
        coordinator,
        demo_options.seed,
    )
    .await
    .context("living through the demo's past week of final loops")?;
    // After last week's debriefs, which were held without one.
    let managers = cohort_demo::ensure_demo_hiring_managers(state.app(), season.season_id)
        .await
        .context("naming the demo's hiring managers")?;
    let loops = cohort_demo::ensure_demo_loop_plans(state.app(), season.season_id, coordinator)
        .await
        .context("planning the demo's final loops")?;
    // After the loops: a published loop's candidate uploads the demo's one deliverable.
    let cases = cohort_demo::ensure_demo_case_studies(state.app(), season.season_id, coordinator)
        .await
        .context("seeding the demo's case studies")?;
    // After the hiring managers, who approve them.
    let offers = cohort_demo::ensure_demo_offers(state.app(), season.season_id)
        .await
        .context("seeding the demo's offers")?;
    let past_pad = cohort_demo::ensure_demo_past_pad(state.app(), season.season_id)
        .await
        .context("seeding the demo's past coding pad")?;
    // Last: it may move one of the phone screens booked above.
    let live_pad = cohort_demo::ensure_demo_live_pad(state.app(), season.season_id)
        .await
        .context("keeping the demo's live coding pad open")?;
    let base_url = state.config().base_url.clone();
    println!();
    println!(
        "Cohort demo: season \"{}\" {} in {:.1?}",
        cohort_demo::DEMO_SEASON,
        if season.created { "created" } else { "reused" },
        started.elapsed()
    );
    println!("  data directory: {}", options.data_dir.display());
    if problems_added > 0 {
        println!("  problem bank: {problems_added} built-in problems added; the judge verifies them in the background");
    }
    if sessions_seeded > 0 {
        println!("  assessments: {sessions_seeded} finished sessions seeded for candidates past the invitation");
    }
    if interviewers > 0 {
        println!("  interviewers: {interviewers} across Seattle, New York, Dublin, Hyderabad and Sydney (password as below)");
    }
    if loop_templates > 0 {
        println!("  interviews: the sixteen Leadership Principles and {loop_templates} loop templates, one per track");
    }
    if phone_screens > 0 {
        println!("  phone screens: {phone_screens} booked by candidates; the rest can book theirs");
    }
    if questions > 0 {
        println!("  question bank: {questions} questions for the interview kits");
    }
    if managers > 0 {
        println!(
            "  hiring managers: {} for every track's debriefs",
            cohort_demo::DEMO_ACCOUNTS[2].0
        );
    }
    if cases > 0 {
        println!("  case studies: {cases}, one per track, for the interview that discusses a case");
    }
    if offers.offers > 0 {
        println!(
            "  offers: {} in every state, under {}/staff/offers{}",
            offers.offers,
            base_url.trim_end_matches('/'),
            offers
                .interns_start
                .as_deref()
                .map(|day| format!("; accepted interns start on {day}"))
                .unwrap_or_default()
        );
        if let Some(email) = &offers.candidate_to_answer {
            println!("  an offer to answer: sign in as {email}");
        }
        if let Some(email) = &offers.intern_to_see {
            println!(
                "  onboarding: checklists in progress and two orientation sessions, under {}/staff/onboarding; an intern's own: sign in as {email}",
                base_url.trim_end_matches('/')
            );
        }
    }
    if let Some(pad) = &past_pad {
        println!(
            "  past coding pad: {} changes and a run to replay at {}/pads/{}/replay (as {} or {})",
            pad.updates,
            base_url.trim_end_matches('/'),
            pad.interview_id,
            cohort_demo::DEMO_ACCOUNTS[3].0,
            cohort_demo::DEMO_ACCOUNTS[1].0
        );
    }
    if let Some(pad) = &live_pad {
        let at = chrono::DateTime::from_timestamp(pad.starts_at, 0).unwrap_or_default();
        println!(
            "  coding pad: a phone screen at {} UTC; open {}/pads/{} as {} and, in another browser, as {}",
            at.format("%H:%M"),
            base_url.trim_end_matches('/'),
            pad.interview_id,
            pad.interviewer_email,
            pad.candidate_email
        );
    }
    if past.loops > 0 {
        println!(
            "  last week: {} final loops took place; {} scorecards submitted, {} overdue; {} debrief decided, {} waiting for votes",
            past.loops, past.submitted, past.overdue, past.debriefs_decided, past.debriefs_waiting
        );
    }
    if loops.published > 0 || loops.drafted > 0 {
        println!(
            "  final loops: {} published for next week; a draft of {} for the week after, under Plan final loops",
            loops.published, loops.drafted
        );
    }
    println!("  open {base_url}/");
    println!("  every account's password: {}", cohort_demo::DEMO_PASSWORD);
    for (email, _, role) in cohort_demo::DEMO_ACCOUNTS {
        println!("  {:<16} {email}", role.label());
    }
    println!();
    let Some(listener) = listener else {
        state.store().close().await;
        return Ok(());
    };
    if season.openings.is_empty() {
        bail!("the demo season has no openings");
    }
    serve_state(options, listener, state).await
}

/// Adds every package folder under `folder` to the problem bank (those already there are left
/// alone); says how many were added.
async fn import_problem_folder(
    state: &AppState,
    folder: &std::path::Path,
) -> anyhow::Result<usize> {
    let languages = &state.config().judge_languages;
    let mut packages: Vec<PathBuf> = std::fs::read_dir(folder)
        .with_context(|| format!("reading {}", folder.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("problem.yaml").is_file())
        .collect();
    packages.sort();
    let mut added = 0;
    for package in packages {
        match cohort_app::problems::bank::add_folder(
            state.store(),
            state.blobs(),
            languages,
            &package,
            state.now(),
        )
        .await
        {
            Ok(_) => added += 1,
            Err(cohort_app::problems::bank::BankError::Duplicate(_)) => {}
            Err(error) => bail!("{}: {error}", package.display()),
        }
    }
    Ok(added)
}

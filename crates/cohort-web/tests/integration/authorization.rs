//! The authorisation matrix: every route, for every role and for anonymous visitors, against the
//! expected outcome. A new route must be added here.

use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The request got past authorisation (any status other than the ones below).
    Allowed,
    /// Sent to the sign-in page.
    SignIn,
    Forbidden,
    NotFound,
    Unauthorized,
}

fn outcome_of(status: StatusCode, location: Option<&str>) -> Outcome {
    match status {
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::NOT_FOUND => Outcome::NotFound,
        StatusCode::UNAUTHORIZED => Outcome::Unauthorized,
        StatusCode::SEE_OTHER if location.is_some_and(|l| l.starts_with("/login")) => {
            Outcome::SignIn
        }
        _ => Outcome::Allowed,
    }
}

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Owner,
    OtherCandidate,
    Staff(Role),
}

const EVERYONE: [Who; 9] = [
    Who::Anonymous,
    Who::Owner,
    Who::OtherCandidate,
    Who::Staff(Role::Administrator),
    Who::Staff(Role::Recruiter),
    Who::Staff(Role::HiringManager),
    Who::Staff(Role::Interviewer),
    Who::Staff(Role::Mentor),
    Who::Staff(Role::Intern),
];

use Outcome::*;

/// The expected outcome of a route for each of [`EVERYONE`], in order.
struct Row {
    method: &'static str,
    path: String,
    form: Vec<(&'static str, &'static str)>,
    expected: [Outcome; 9],
}

fn row(
    method: &'static str,
    path: String,
    form: Vec<(&'static str, &'static str)>,
    expected: [Outcome; 9],
) -> Row {
    Row {
        method,
        path,
        form,
        expected,
    }
}

both!(
    every_route_answers_every_role_as_the_matrix_says,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (owner, _) = app.candidate("Owner Candidate").await;
        owner
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.open[0]],
            ))
            .await;
        let application = own_application_id(&owner).await;
        let (other, _) = app.candidate("Other Candidate").await;
        let mut browsers = Vec::new();
        for who in EVERYONE {
            let browser = match who {
                Who::Anonymous => app.browser(),
                Who::Owner => app.browser(),
                Who::OtherCandidate => app.browser(),
                Who::Staff(role) => app.signed_in(role).await,
            };
            browsers.push(browser);
        }
        browsers[1] = owner;
        browsers[2] = other;
        let (s, a, o) = (season.season_id, application, season.open[0]);
        let problem = cohort_app::problems::bank::add_folder(
            app.store(),
            app.state.blobs(),
            &cohort_judge::language::LanguageTable::builtin(),
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../problems/buildqueue"),
            app.state.now(),
        )
        .await
        .unwrap()
        .problem_id;
        // The owner is invited to an assessment (as a recruiter's move to Assessment would).
        let now = app.state.now();
        let mut tx = app.store().begin().await.unwrap();
        cohort_store::Store::set_problem_status(
            &mut tx,
            problem,
            cohort_store::problems::ProblemStatus::Verified,
            "ok",
            now,
        )
        .await
        .unwrap();
        let track = app
            .store()
            .openings(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .find(|opening| opening.id == o)
            .unwrap()
            .track_id;
        let assessment = cohort_store::Store::save_assessment(
            &mut tx,
            &cohort_store::problems::AssessmentInput {
                season_id: s,
                track_id: track,
                duration_minutes: 60,
                languages: vec!["cpp".into()],
                passing_percent: 50,
                start_within_days: 7,
                counts: "best".into(),
                advance: "recruiter".into(),
                problems: vec![(problem, 100)],
            },
            now,
        )
        .await
        .unwrap();
        let invitation = cohort_store::Store::invite_to_assessment(&mut tx, a, now)
            .await
            .unwrap()
            .unwrap()
            .id;
        cohort_store::Store::commit(tx).await.unwrap();
        // ... has started it and run the samples once.
        let record = app.store().assessment_invitation(invitation).await.unwrap();
        cohort_app::assessment::start_session(app.state.app(), &record)
            .await
            .unwrap();
        app.store()
            .claim_session_tab(invitation, "tab")
            .await
            .unwrap();
        let submission = cohort_app::assessment::submit_in_session(
            app.state.app(),
            invitation,
            "tab",
            &cohort_store::assessment_sessions::DraftRecord {
                problem_id: problem,
                language: "cpp".into(),
                code: "int main() {}".into(),
                saved_at: now,
            },
            cohort_store::submissions::Scope::Samples,
            record.candidate_id,
        )
        .await
        .unwrap()
        .unwrap();
        // ... and that code was flagged as similar to a known solution.
        let known = app.store().known_solutions(problem).await.unwrap()[0].id;
        let mut tx = app.store().begin().await.unwrap();
        cohort_store::Store::record_flag(
            &mut tx,
            problem,
            submission,
            cohort_store::plagiarism::FlaggedWith::KnownSolution(known),
            0.9,
            now,
        )
        .await
        .unwrap();
        cohort_store::Store::commit(tx).await.unwrap();
        let flag: i64 = sqlx::query_scalar("SELECT id FROM plagiarism_flags")
            .fetch_one(app.store().reader())
            .await
            .unwrap();
        let owner_only = [
            SignIn, Allowed, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            Forbidden,
        ];
        let pipeline = [
            SignIn, Forbidden, Forbidden, Allowed, Allowed, Allowed, Forbidden, Forbidden,
            Forbidden,
        ];
        let recruiting = [
            SignIn, Forbidden, Forbidden, Allowed, Allowed, Forbidden, Forbidden, Forbidden,
            Forbidden,
        ];
        let admin_only = [
            SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden, Forbidden,
            Forbidden,
        ];
        let interviewer_only = [
            SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Allowed, Forbidden,
            Forbidden,
        ];
        let interviewer_not_found = [
            SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, NotFound, Forbidden,
            Forbidden,
        ];
        let candidate_not_found = [
            SignIn, NotFound, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
            Forbidden,
        ];
        let recruiting_not_found = [
            SignIn, Forbidden, Forbidden, NotFound, NotFound, Forbidden, Forbidden, Forbidden,
            Forbidden,
        ];
        let public = [Allowed; 9];
        // The pipeline's roles; other staff, with no part in the candidate's interviews, do not
        // find it.
        let no_part_not_found = [
            SignIn, Forbidden, Forbidden, Allowed, Allowed, Allowed, NotFound, NotFound, NotFound,
        ];
        let rows = vec![
            row("GET", "/".into(), vec![], public),
            row("GET", format!("/openings/{o}"), vec![], public),
            row("GET", format!("/openings/{o}/calendar.ics"), vec![], public),
            row("GET", "/calendar/openings.ics".into(), vec![], public),
            row("GET", "/healthz".into(), vec![], public),
            row(
                "GET",
                "/account".into(),
                vec![],
                [
                    SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed,
                ],
            ),
            row(
                "GET",
                "/account/confirm?token=unknown".into(),
                vec![],
                [Allowed; 9],
            ),
            row(
                "POST",
                "/account/confirm".into(),
                vec![("token", "unknown"), ("password", "whatever it is")],
                [Allowed; 9],
            ),
            row(
                "POST",
                "/account/confirm/resend".into(),
                vec![],
                [
                    SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed,
                ],
            ),
            row(
                "GET",
                "/me".into(),
                vec![],
                // Staff are sent to their own home page (see the accounts tests).
                [
                    SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed,
                ],
            ),
            row(
                "GET",
                format!("/apply?season={s}"),
                vec![],
                [
                    SignIn, Allowed, Allowed, Forbidden, Forbidden, Forbidden, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
            row(
                "GET",
                format!("/me/applications/{a}/resume"),
                vec![],
                [
                    SignIn, Allowed, NotFound, Forbidden, Forbidden, Forbidden, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
            row(
                "GET",
                "/staff".into(),
                vec![],
                [
                    SignIn, Forbidden, Forbidden, Allowed, Allowed, Allowed, Allowed, Allowed,
                    Allowed,
                ],
            ),
            row("GET", format!("/staff/seasons/{s}"), vec![], pipeline),
            row("GET", format!("/staff/applications/{a}"), vec![], pipeline),
            row(
                "GET",
                format!("/staff/applications/{a}/resume"),
                vec![],
                pipeline,
            ),
            row(
                "POST",
                format!("/staff/applications/{a}/notes"),
                vec![("body", "")],
                pipeline,
            ),
            row(
                "POST",
                format!("/staff/applications/{a}/transition"),
                vec![("to", "no-such-stage")],
                pipeline,
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/bulk"),
                vec![("action", "no-such-stage")],
                pipeline,
            ),
            row(
                "GET",
                format!("/staff/seasons/{s}/setup"),
                vec![],
                recruiting,
            ),
            row(
                "POST",
                "/staff/seasons".into(),
                vec![("name", ""), ("program_start", "")],
                recruiting,
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/tracks"),
                vec![("name", "")],
                recruiting,
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/locations"),
                vec![("city", ""), ("country", ""), ("time_zone", "")],
                recruiting,
            ),
            row(
                "GET",
                format!("/staff/seasons/{s}/assessments"),
                vec![],
                recruiting,
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/assessments"),
                vec![("duration", "")],
                recruiting,
            ),
            row("GET", "/staff/problems".into(), vec![], recruiting),
            row(
                "GET",
                format!("/staff/problems/{problem}"),
                vec![],
                recruiting,
            ),
            // A form that is not multipart: refused as unreadable once past authorisation.
            row(
                "POST",
                "/staff/problems".into(),
                vec![("package", "")],
                recruiting,
            ),
            row(
                "GET",
                format!("/assessments/{invitation}"),
                vec![],
                owner_only,
            ),
            row(
                "POST",
                format!("/assessments/{invitation}/start"),
                vec![],
                owner_only,
            ),
            row(
                "POST",
                format!("/assessments/{invitation}/continue"),
                vec![("problem", "1")],
                owner_only,
            ),
            row(
                "POST",
                format!("/assessments/{invitation}/draft"),
                vec![
                    ("problem", "1"),
                    ("language", "cpp"),
                    ("code", ""),
                    ("tab", "x"),
                ],
                owner_only,
            ),
            row(
                "POST",
                format!("/assessments/{invitation}/submissions"),
                vec![
                    ("problem", "1"),
                    ("language", "cpp"),
                    ("code", ""),
                    ("tab", "x"),
                    ("scope", "samples"),
                ],
                owner_only,
            ),
            row(
                "GET",
                format!("/assessments/{invitation}/submissions/{submission}"),
                vec![],
                owner_only,
            ),
            row(
                "GET",
                format!("/staff/submissions/{submission}"),
                vec![],
                pipeline,
            ),
            row(
                "POST",
                format!("/staff/invitations/{invitation}/extend"),
                vec![("days", "x")],
                recruiting,
            ),
            row("GET", format!("/staff/plagiarism/{flag}"), vec![], pipeline),
            row(
                "GET",
                format!("/staff/invitations/{invitation}/replay"),
                vec![],
                pipeline,
            ),
            row(
                "POST",
                format!("/assessments/{invitation}/events"),
                vec![("kind", "left"), ("size", "0"), ("tab", "x")],
                owner_only,
            ),
            row(
                "GET",
                format!("/staff/assessments/{assessment}/results"),
                vec![],
                pipeline,
            ),
            row(
                "GET",
                format!("/staff/assessments/{assessment}/results.csv"),
                vec![],
                pipeline,
            ),
            row(
                "POST",
                format!("/staff/problems/{problem}/known-solutions"),
                vec![("language", "cpp"), ("name", ""), ("code", "")],
                recruiting,
            ),
            row(
                "POST",
                format!("/assessments/{invitation}/finish"),
                vec![("tab", "x")],
                owner_only,
            ),
            row(
                "GET",
                format!("/staff/openings/{o}/edit"),
                vec![],
                recruiting,
            ),
            row(
                "POST",
                format!("/staff/openings/{o}/edit"),
                vec![
                    ("title", ""),
                    ("headcount", ""),
                    ("opens", ""),
                    ("closes", ""),
                ],
                recruiting,
            ),
            row(
                "POST",
                "/admin/users/1/roles".into(),
                vec![("roles", "overlord")],
                admin_only,
            ),
            // An account that does not exist: the administrator is told so, nobody else is.
            row(
                "POST",
                "/admin/users/999999/deactivate".into(),
                vec![],
                [
                    SignIn, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
            row(
                "POST",
                "/admin/users/999999/reactivate".into(),
                vec![],
                [
                    SignIn, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
            row("GET", "/admin".into(), vec![], admin_only),
            row(
                "GET",
                "/interviewer/profile".into(),
                vec![],
                interviewer_only,
            ),
            row(
                "POST",
                "/interviewer/profile".into(),
                vec![("time_zone", "Mars/Olympus")],
                interviewer_only,
            ),
            // No such training: the interviewer is told so (409); nobody else gets that far.
            row(
                "POST",
                "/interviewer/trainees/999999/competencies/999999/sign-off".into(),
                vec![],
                interviewer_only,
            ),
            // Not multipart: refused as unreadable once past authorisation.
            row(
                "POST",
                "/interviewer/calendar".into(),
                vec![("calendar", "")],
                interviewer_only,
            ),
            row(
                "POST",
                "/interviewer/calendar/delete".into(),
                vec![],
                interviewer_only,
            ),
            // Not an address: refused with the reason (422) once past authorisation.
            row(
                "POST",
                "/interviewer/calendar/subscription".into(),
                vec![("address", "nowhere")],
                interviewer_only,
            ),
            row(
                "POST",
                "/interviewer/calendar/subscription/delete".into(),
                vec![],
                interviewer_only,
            ),
            row(
                "GET",
                "/interviewer/interviews".into(),
                vec![],
                interviewer_only,
            ),
            // Without a profile the interviewer is told to fill it in first (409).
            row(
                "POST",
                "/interviewer/calendar-feed".into(),
                vec![],
                interviewer_only,
            ),
            row(
                "POST",
                "/interviewer/interviews/999999/release".into(),
                vec![],
                interviewer_not_found,
            ),
            row(
                "GET",
                "/interviewer/interviews/999999/resume".into(),
                vec![],
                interviewer_not_found,
            ),
            // Feedback: an interview that is not the interviewer's is not found.
            row(
                "GET",
                "/interviewer/interviews/999999/feedback".into(),
                vec![],
                interviewer_not_found,
            ),
            row(
                "POST",
                "/interviewer/interviews/999999/feedback".into(),
                vec![("intent", "draft")],
                interviewer_not_found,
            ),
            row(
                "POST",
                "/interviewer/interviews/999999/feedback/amendments".into(),
                vec![("amendment", "more")],
                interviewer_not_found,
            ),
            row(
                "GET",
                "/interviewer/interviews/999999/kit".into(),
                vec![],
                interviewer_not_found,
            ),
            // The question bank: recruiters and bar raisers (none in the matrix).
            row("GET", "/staff/questions".into(), vec![], recruiting),
            row(
                "POST",
                "/staff/questions".into(),
                vec![("prompt", "Tell me about a time.")],
                recruiting,
            ),
            row(
                "POST",
                "/staff/questions/999999".into(),
                vec![("prompt", "Tell me about a time.")],
                recruiting,
            ),
            row(
                "POST",
                "/staff/questions/999999/retire".into(),
                vec![("retired", "yes")],
                recruiting_not_found,
            ),
            // A trainee's practice feedback: bar raisers only (none in the matrix).
            row(
                "GET",
                "/interviewer/trainees/999999".into(),
                vec![],
                interviewer_not_found,
            ),
            // A candidate's feedback: the pipeline's roles; staff with no part in the candidate's
            // interviews do not find it.
            row(
                "GET",
                format!("/feedback/applications/{a}"),
                vec![],
                no_part_not_found,
            ),
            row("GET", "/staff/feedback/overdue".into(), vec![], recruiting),
            // Calibration: recruiters, and bar raisers (none of the matrix's interviewers is one).
            row("GET", "/staff/calibration".into(), vec![], recruiting),
            // A debrief: the pipeline's roles (not open yet: 409 for a vote, a reveal, a note or a
            // decision); staff with no part in the loop do not find it.
            row("GET", "/staff/debriefs".into(), vec![], pipeline),
            row("GET", format!("/debriefs/{a}"), vec![], no_part_not_found),
            row(
                "POST",
                format!("/debriefs/{a}/votes"),
                vec![("vote", "hire"), ("sentence", "Strong.")],
                no_part_not_found,
            ),
            row(
                "POST",
                format!("/debriefs/{a}/reveal"),
                vec![],
                no_part_not_found,
            ),
            row(
                "POST",
                format!("/debriefs/{a}/notes"),
                vec![("body", "A note.")],
                no_part_not_found,
            ),
            row(
                "POST",
                format!("/debriefs/{a}/decision"),
                vec![("decision", "hire")],
                no_part_not_found,
            ),
            // A follow-up interview: the deciding roles (not asked for here: 409).
            row(
                "POST",
                format!("/debriefs/{a}/follow-ups"),
                vec![("interviewer", "1"), ("brief", "More on ownership.")],
                pipeline,
            ),
            // Calling a follow-up off: the deciding roles; one that does not exist is not found.
            row(
                "POST",
                format!("/debriefs/{a}/follow-ups/999999/cancel"),
                vec![],
                [
                    SignIn, Forbidden, Forbidden, NotFound, NotFound, NotFound, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
            // Case studies: recruiters and bar raisers write them.
            row("GET", "/staff/case-studies".into(), vec![], recruiting),
            row(
                "POST",
                "/staff/case-studies".into(),
                vec![("title", "A case")],
                recruiting,
            ),
            row(
                "POST",
                "/staff/case-studies/999999".into(),
                vec![("title", "A case")],
                recruiting,
            ),
            // A deliverable that is nobody's to read is not found, for everyone signed in.
            row(
                "GET",
                "/case-deliverables/999999".into(),
                vec![],
                [
                    SignIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
                    NotFound,
                ],
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/debrief-settings"),
                vec![("veto", "on")],
                recruiting,
            ),
            // The feed's secret is its only key: nobody's session opens another.
            row(
                "GET",
                "/calendar/interviewers/unknown.ics".into(),
                vec![],
                [NotFound; 9],
            ),
            // Not at phone screen yet: the owner sees that they wait, and booking is refused (409).
            row(
                "GET",
                format!("/me/applications/{a}/phone-screen"),
                vec![],
                owner_only,
            ),
            row(
                "POST",
                format!("/me/applications/{a}/phone-screen"),
                vec![("start", "1900000800"), ("tz", "UTC")],
                owner_only,
            ),
            row(
                "GET",
                "/me/interviews/999999/move".into(),
                vec![],
                candidate_not_found,
            ),
            row(
                "POST",
                "/me/interviews/999999/move".into(),
                vec![("start", "1900000800"), ("tz", "UTC"), ("sequence", "0")],
                candidate_not_found,
            ),
            row(
                "POST",
                "/me/interviews/999999/cancel".into(),
                vec![("sequence", "0")],
                candidate_not_found,
            ),
            row("GET", "/staff/interviewers".into(), vec![], recruiting),
            row(
                "GET",
                "/staff/interviewers/999999".into(),
                vec![],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/interviewers/999999".into(),
                vec![("time_zone", "UTC")],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/interviewers/999999/staffing".into(),
                vec![("tracks", "Data Science")],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/interviewers/999999/training".into(),
                vec![("competency", "1"), ("state", "bogus")],
                recruiting,
            ),
            row("GET", "/admin/competencies".into(), vec![], admin_only),
            row(
                "POST",
                "/admin/competencies".into(),
                vec![("name", ""), ("kind", "principle")],
                admin_only,
            ),
            row(
                "POST",
                "/admin/competencies/999999".into(),
                vec![("name", "")],
                admin_only,
            ),
            row(
                "POST",
                "/admin/competencies/999999/delete".into(),
                vec![],
                [
                    SignIn, Forbidden, Forbidden, NotFound, Forbidden, Forbidden, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
            row(
                "GET",
                format!("/staff/seasons/{s}/interviews"),
                vec![],
                recruiting,
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/interviews"),
                vec![("minutes", "")],
                recruiting,
            ),
            row(
                "GET",
                format!("/staff/seasons/{s}/plans"),
                vec![],
                recruiting,
            ),
            row(
                "POST",
                format!("/staff/seasons/{s}/plans"),
                vec![("seconds", "5")],
                recruiting,
            ),
            row(
                "GET",
                "/staff/plans/999999".into(),
                vec![],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/plans/999999/publish".into(),
                vec![("revision", "0")],
                recruiting_not_found,
            ),
            row(
                "GET",
                "/staff/plans/999999/loops/a1".into(),
                vec![],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/plans/999999/loops/a1/move".into(),
                vec![
                    ("revision", "0"),
                    ("seat", "0"),
                    ("interviewer", "i1"),
                    ("start", "2030-01-07T10:00"),
                ],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/plans/999999/loops/a1/move-loop".into(),
                vec![("revision", "0"), ("start", "2030-01-07T10:00")],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/plans/999999/loops/a1/remove".into(),
                vec![("revision", "0")],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/staff/plans/999999/loops/a1/reslot".into(),
                vec![("revision", "0"), ("without", "")],
                recruiting_not_found,
            ),
            row(
                "POST",
                "/admin/invitations".into(),
                vec![("email", ""), ("name", "")],
                admin_only,
            ),
            row(
                "POST",
                "/admin/api-tokens".into(),
                vec![("name", "")],
                admin_only,
            ),
            row("GET", "/api/v1/seasons".into(), vec![], [Unauthorized; 9]),
            row("GET", "/metrics".into(), vec![], [Unauthorized; 9]),
            row(
                "GET",
                format!("/api/v1/applications/{a}"),
                vec![],
                [Unauthorized; 9],
            ),
            // Last, because the owner's request succeeds and withdraws the application.
            row(
                "POST",
                format!("/me/applications/{a}/withdraw"),
                vec![],
                [
                    SignIn, Allowed, NotFound, Forbidden, Forbidden, Forbidden, Forbidden,
                    Forbidden, Forbidden,
                ],
            ),
        ];
        let mut mismatches = Vec::new();
        for row in &rows {
            for (index, who) in EVERYONE.iter().enumerate() {
                let browser = &browsers[index];
                // Every write someone may make is refused without the form's CSRF token,
                // before it changes anything.
                if row.method == "POST" && row.expected[index] == Allowed {
                    let forged = browser
                        .client
                        .post(browser.url(&row.path))
                        .form(&row.form)
                        .send()
                        .await
                        .unwrap();
                    // 403 for the token; 400 where the route reads a multipart upload first and
                    // this form is not one. Either way it is refused before any change.
                    if ![StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST].contains(&forged.status())
                    {
                        mismatches.push(format!(
                            "POST {} as {who:?} without a CSRF token: expected 403, got {}",
                            row.path,
                            forged.status()
                        ));
                    }
                }
                let response = if row.method == "GET" {
                    browser.get(&row.path).await
                } else {
                    let csrf = browser.csrf("/signup").await;
                    let mut form = vec![("csrf", csrf.as_str())];
                    form.extend(row.form.iter().copied());
                    browser
                        .client
                        .post(browser.url(&row.path))
                        .form(&form)
                        .send()
                        .await
                        .unwrap()
                };
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_owned);
                let actual = outcome_of(response.status(), location.as_deref());
                if actual != row.expected[index] {
                    mismatches.push(format!(
                        "{} {} as {who:?}: expected {:?}, got {actual:?} ({})",
                        row.method,
                        row.path,
                        row.expected[index],
                        response.status()
                    ));
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "authorisation mismatches:\n{}",
            mismatches.join("\n")
        );
        assert_eq!(
            app.store().application(application).await.unwrap().stage,
            "withdrawn",
            "only the owner could withdraw"
        );
    }
);

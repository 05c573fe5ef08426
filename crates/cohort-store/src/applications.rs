//! Applications, the recruiter board, stage transitions (the append-only audit log) and notes.

use crate::outbox::NewMessage;
use crate::{affected, Backend, Result, Store, StoreError, Tx};
use cohort_domain::Stage;
use sqlx::Row;

/// A new application, validated by the caller, with its résumé already in the blob store.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub season_id: i64,
    pub candidate_id: i64,
    pub candidate_name: &'a str,
    pub choices: &'a [i64],
    pub school: &'a str,
    pub degree: &'a str,
    pub graduation: &'a str,
    pub graduation_year: i64,
    pub languages: &'a [String],
    pub links: &'a str,
    pub cover_letter: &'a str,
    pub resume_blob: &'a str,
    pub resume_filename: &'a str,
    pub resume_kind: &'a str,
    pub resume_bytes: i64,
    pub resume_text: &'a str,
}

/// An application with its candidate and season names.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApplicationRecord {
    pub id: i64,
    pub season_id: i64,
    pub season_name: String,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    pub stage: String,
    pub school: String,
    pub degree: String,
    pub graduation: String,
    pub languages: String,
    pub links: String,
    pub cover_letter: String,
    pub resume_blob: String,
    pub resume_filename: String,
    pub resume_kind: String,
    pub resume_bytes: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ApplicationRecord {
    pub fn stage(&self) -> Stage {
        Stage::parse(&self.stage).unwrap_or(Stage::Applied)
    }

    /// The languages as a list ("java", "python").
    pub fn language_list(&self) -> Vec<&str> {
        self.languages
            .split(',')
            .filter(|l| !l.is_empty())
            .collect()
    }

    pub fn link_list(&self) -> Vec<&str> {
        self.links.lines().filter(|l| !l.is_empty()).collect()
    }
}

/// One ranked choice of an application.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ChoiceRecord {
    pub rank: i64,
    pub opening_id: i64,
    pub title: String,
    pub track_name: String,
    pub city: String,
}

/// One row of the audit log.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TransitionRecord {
    pub id: i64,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub reason_code: Option<String>,
    pub reason: String,
    pub at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct NoteRecord {
    pub id: i64,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

/// How the board is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoardSort {
    #[default]
    Newest,
    Oldest,
    Name,
    School,
    Graduation,
    /// Highest assessment score first; applications without one last.
    Score,
}

impl BoardSort {
    pub const ALL: [BoardSort; 6] = [
        BoardSort::Newest,
        BoardSort::Oldest,
        BoardSort::Name,
        BoardSort::School,
        BoardSort::Graduation,
        BoardSort::Score,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BoardSort::Newest => "newest",
            BoardSort::Oldest => "oldest",
            BoardSort::Name => "name",
            BoardSort::School => "school",
            BoardSort::Graduation => "graduation",
            BoardSort::Score => "score",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BoardSort::Newest => "Newest first",
            BoardSort::Oldest => "Oldest first",
            BoardSort::Name => "Name",
            BoardSort::School => "School",
            BoardSort::Graduation => "Graduation",
            BoardSort::Score => "Assessment score",
        }
    }

    pub fn parse(text: &str) -> Option<BoardSort> {
        BoardSort::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn order_by(self) -> &'static str {
        match self {
            BoardSort::Newest => "a.created_at DESC, a.id DESC",
            BoardSort::Oldest => "a.created_at, a.id",
            BoardSort::Name => "a.candidate_name, a.id",
            BoardSort::School => "a.school, a.id",
            BoardSort::Graduation => "a.graduation, a.id",
            BoardSort::Score => "a.assessment_percent DESC NULLS LAST, a.id",
        }
    }
}

/// A filtered, searched, sorted page of a season's applications.
#[derive(Debug, Clone, Default)]
pub struct BoardQuery {
    pub season_id: Option<i64>,
    pub opening_id: Option<i64>,
    pub stage: Option<Stage>,
    pub track_id: Option<i64>,
    pub location_id: Option<i64>,
    /// Words that must each occur somewhere in the school's name, ignoring case (ASCII letters
    /// only on SQLite).
    pub school: Option<String>,
    /// One language, as stored (lower case).
    pub language: Option<String>,
    pub graduation_year: Option<i64>,
    /// Words searched in the candidate's name, school and résumé.
    pub text: Option<String>,
    pub sort: BoardSort,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct BoardRow {
    pub id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    pub school: String,
    pub degree: String,
    pub graduation: String,
    pub languages: String,
    pub stage: String,
    pub first_choice: Option<String>,
    pub created_at: i64,
    /// The share of the points earned in the latest decided online assessment.
    pub assessment_percent: Option<f64>,
}

/// Board totals are exact up to this many applications (five pages); past it the board says
/// "more than 250" and counting stops, so a broad filter costs no more than a narrow one. With
/// 100,000 applications, counting to 1,000 took 35 to 67 ms on PostgreSQL for a searched,
/// filtered page: more than the page itself.
pub const COUNT_LIMIT: i64 = 250;

#[derive(Debug, Clone)]
pub struct BoardPage {
    pub rows: Vec<BoardRow>,
    /// Matching applications, exact up to [`COUNT_LIMIT`].
    pub total: i64,
    /// More than `total` applications match.
    pub total_is_lower_bound: bool,
}

/// A value bound into a statement assembled at run time.
enum Bind {
    Int(i64),
    Text(String),
}

/// Builds the WHERE clause of a board query with numbered placeholders, valid on both backends.
struct Conditions {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    fn placeholder(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn push(&mut self, clause: impl FnOnce(&str) -> String, value: Bind) {
        let placeholder = self.placeholder(value);
        self.clauses.push(clause(&placeholder));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn bind<'q>(
        &'q self,
        mut query: sqlx::query::QueryAs<'q, sqlx::Any, BoardRow, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, BoardRow, sqlx::any::AnyArguments<'q>> {
        for value in &self.binds {
            query = match value {
                Bind::Int(n) => query.bind(*n),
                Bind::Text(text) => query.bind(text.as_str()),
            };
        }
        query
    }
}

/// Splits search text into words of letters and digits; everything else separates words, so no
/// user input can reach the full-text query syntax of either backend.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.to_lowercase())
        .collect()
}

/// Every word as a prefix, all required, in FTS5 syntax: `"ada"* "love"*`.
fn fts5_prefixes(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words longer than this are not indexed: no one searches for them, and PostgreSQL refuses
/// lexemes over 2 KB.
const MAX_INDEXED_WORD_CHARS: usize = 64;

/// The distinct words of `texts`, split and lowered as [`search_words`] splits a query, joined by
/// single spaces: the document PostgreSQL indexes.
fn distinct_words(texts: &[&str]) -> String {
    let mut words: Vec<String> = texts
        .iter()
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_INDEXED_WORD_CHARS)
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// Every word as a prefix, all required, in PostgreSQL's tsquery syntax: `'ada':* & 'love':*`.
/// The words are letters and digits only, so quoting them is enough; the query is cast rather
/// than parsed by `to_tsquery`, so it matches the lexemes exactly as [`distinct_words`] made them.
fn tsquery_prefixes(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}':*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Stores languages between commas (`,Java,Python,`), as entered.
pub fn stored_languages(languages: &[String]) -> String {
    format!(",{},", languages.join(","))
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.season_id, s.name AS season_name, a.candidate_id, \
     u.display_name AS candidate_name, u.email AS candidate_email, a.stage, a.school, a.degree, a.graduation, \
     a.languages, a.links, d.cover_letter, a.resume_blob, a.resume_filename, a.resume_kind, a.resume_bytes, \
     a.created_at, a.updated_at \
     FROM applications a JOIN users u ON u.id = a.candidate_id JOIN seasons s ON s.id = a.season_id \
     JOIN application_documents d ON d.application_id = a.id";

/// An application that reached a stage, with when it did.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReachedStage {
    pub application_id: i64,
    pub candidate_id: i64,
    /// Where the application is now.
    pub stage: String,
    /// When it moved into the stage asked about.
    pub reached_at: i64,
}

impl Store {
    /// The season's applications that were ever moved into `stage`, with when they first were.
    pub async fn reached_stage(&self, season_id: i64, stage: Stage) -> Result<Vec<ReachedStage>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS application_id, a.candidate_id, a.stage, MIN(t.at) AS reached_at \
             FROM applications a JOIN stage_transitions t ON t.application_id = a.id \
             WHERE a.season_id = $1 AND t.to_stage = $2 GROUP BY a.id, a.candidate_id, a.stage ORDER BY a.id",
        )
        .bind(season_id)
        .bind(stage.as_str())
        .fetch_all(&self.reader)
        .await?)
    }

    /// The text extracted from an application's résumé when it was submitted.
    pub async fn resume_text(&self, application_id: i64) -> Result<String> {
        Ok(sqlx::query_scalar(
            "SELECT resume_text FROM application_documents WHERE application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(&self.reader)
        .await?
        .unwrap_or_default())
    }

    /// Writes a new application, its ranked choices, its search entry and the first audit row.
    /// A second application by the same candidate in the same season is a conflict on `season`.
    pub async fn create_application(
        &self,
        tx: &mut Tx,
        new: &NewApplication<'_>,
        now: i64,
    ) -> Result<i64> {
        let (mut track_ids, mut location_ids) = (Vec::new(), Vec::new());
        for opening_id in new.choices {
            let row = sqlx::query("SELECT track_id, location_id FROM openings WHERE id = $1")
                .bind(opening_id)
                .fetch_one(&mut **tx)
                .await?;
            track_ids.push(row.try_get::<i64, _>(0)?.to_string());
            location_ids.push(row.try_get::<i64, _>(1)?.to_string());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (season_id, candidate_id, stage, graduation_year, created_at, updated_at, resume_bytes, \
             track_ids, location_ids, school, degree, graduation, languages, links, resume_blob, resume_filename, resume_kind, \
             candidate_name) \
             VALUES ($1, $2, 'applied', $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(new.season_id)
        .bind(new.candidate_id)
        .bind(new.graduation_year)
        .bind(now)
        .bind(new.resume_bytes)
        .bind(format!(",{},", track_ids.join(",")))
        .bind(format!(",{},", location_ids.join(",")))
        .bind(new.school)
        .bind(new.degree)
        .bind(new.graduation)
        .bind(stored_languages(new.languages))
        .bind(new.links)
        .bind(new.resume_blob)
        .bind(new.resume_filename)
        .bind(new.resume_kind)
        .bind(new.candidate_name)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "season"))?;
        let mut languages_lower: Vec<String> =
            new.languages.iter().map(|l| l.to_lowercase()).collect();
        languages_lower.sort();
        languages_lower.dedup();
        for language in &languages_lower {
            sqlx::query(
                "INSERT INTO application_languages (language, application_id) VALUES ($1, $2)",
            )
            .bind(language)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query("INSERT INTO application_documents (application_id, cover_letter, resume_text) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(new.cover_letter)
            .bind(new.resume_text)
            .execute(&mut **tx)
            .await?;
        for (index, opening_id) in new.choices.iter().enumerate() {
            sqlx::query("INSERT INTO application_choices (application_id, opening_id, rank) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(opening_id)
                .bind(index as i64 + 1)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO stage_transitions (application_id, from_stage, to_stage, actor_id, reason_code, reason, at) \
             VALUES ($1, NULL, 'applied', $2, NULL, 'Application submitted', $3)",
        )
        .bind(id)
        .bind(new.candidate_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Replaces an application's row in the search index (an FTS5 table on SQLite, a tsvector
    /// with a GIN index on PostgreSQL) with its current name, school and résumé text. An
    /// application that no longer exists leaves no row. Indexing 20,000 characters of résumé costs
    /// more than the rest of the application together, so a job does it in batches, moments after
    /// the commit (`cohort_app::applications::IndexApplication`).
    pub async fn index_application(&self, tx: &mut Tx, application_id: i64) -> Result<()> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT a.candidate_name, a.school, d.resume_text FROM applications a \
             JOIN application_documents d ON d.application_id = a.id WHERE a.id = $1",
        )
        .bind(application_id)
        .fetch_optional(&mut **tx)
        .await?;
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("DELETE FROM application_search WHERE rowid = $1")
                    .bind(application_id)
                    .execute(&mut **tx)
                    .await?;
                if let Some((name, school, resume_text)) = row {
                    sqlx::query("INSERT INTO application_search (rowid, name, school, resume_text) VALUES ($1, $2, $3, $4)")
                        .bind(application_id)
                        .bind(name)
                        .bind(school)
                        .bind(resume_text)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Backend::Postgres => {
                sqlx::query("DELETE FROM application_search WHERE application_id = $1")
                    .bind(application_id)
                    .execute(&mut **tx)
                    .await?;
                if let Some((name, school, resume_text)) = row {
                    // The words are split and lowered here, as the query side splits them, and
                    // sent once each: `to_tsvector` parsing 20,000 characters cost about 4 ms a
                    // résumé, building the vector from distinct words a tenth of that.
                    sqlx::query(
                        "INSERT INTO application_search (application_id, document) \
                         VALUES ($1, array_to_tsvector(string_to_array($2, ' ')))",
                    )
                    .bind(application_id)
                    .bind(distinct_words(&[&name, &school, &resume_text]))
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        Ok(())
    }

    pub async fn application(&self, id: i64) -> Result<ApplicationRecord> {
        sqlx::query_as(&format!("{APPLICATION_SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A candidate's applications, newest season first.
    pub async fn applications_of(&self, candidate_id: i64) -> Result<Vec<ApplicationRecord>> {
        Ok(sqlx::query_as(&format!(
            "{APPLICATION_SELECT} WHERE a.candidate_id = $1 ORDER BY a.created_at DESC"
        ))
        .bind(candidate_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn application_in_season(
        &self,
        candidate_id: i64,
        season_id: i64,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM applications WHERE candidate_id = $1 AND season_id = $2",
        )
        .bind(candidate_id)
        .bind(season_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn choices(&self, application_id: i64) -> Result<Vec<ChoiceRecord>> {
        Ok(sqlx::query_as(
            "SELECT c.rank, c.opening_id, o.title, t.name AS track_name, l.city FROM application_choices c \
             JOIN openings o ON o.id = c.opening_id JOIN tracks t ON t.id = o.track_id \
             JOIN locations l ON l.id = o.location_id WHERE c.application_id = $1 ORDER BY c.rank",
        )
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The audit log of one application, oldest first.
    pub async fn history(&self, application_id: i64) -> Result<Vec<TransitionRecord>> {
        Ok(sqlx::query_as(
            "SELECT t.id, t.from_stage, t.to_stage, t.actor_id, u.display_name AS actor_name, t.reason_code, t.reason, t.at \
             FROM stage_transitions t LEFT JOIN users u ON u.id = t.actor_id WHERE t.application_id = $1 ORDER BY t.id",
        )
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Moves an application from `from` to `to`, appends the audit row and queues `message`, all
    /// in `tx`. Fails with [`StoreError::Stale`] when the application is no longer in `from`.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_application(
        tx: &mut Tx,
        application_id: i64,
        from: Stage,
        to: Stage,
        actor_id: i64,
        reason_code: Option<&str>,
        reason: &str,
        message: Option<&NewMessage>,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE applications SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(application_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        sqlx::query(
            "INSERT INTO stage_transitions (application_id, from_stage, to_stage, actor_id, reason_code, reason, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(application_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(actor_id)
        .bind(reason_code)
        .bind(reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        if let Some(message) = message {
            Store::enqueue_message(tx, message, now).await?;
        }
        Ok(())
    }

    pub async fn add_note(
        &self,
        application_id: i64,
        author_id: i64,
        body: &str,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO notes (application_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(application_id)
        .bind(author_id)
        .bind(body)
        .bind(now)
        .fetch_one(&self.writer)
        .await?)
    }

    pub async fn notes(&self, application_id: i64) -> Result<Vec<NoteRecord>> {
        Ok(sqlx::query_as(
            "SELECT n.id, u.display_name AS author_name, n.body, n.created_at FROM notes n \
             JOIN users u ON u.id = n.author_id WHERE n.application_id = $1 ORDER BY n.id",
        )
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// How many applications of a season (or of one opening) are in each stage.
    pub async fn stage_counts(
        &self,
        season_id: i64,
        opening_id: Option<i64>,
    ) -> Result<Vec<(Stage, i64)>> {
        let rows = match opening_id {
            None => {
                sqlx::query("SELECT stage, COUNT(*) AS n FROM applications WHERE season_id = $1 GROUP BY stage")
                    .bind(season_id)
                    .fetch_all(&self.reader)
                    .await?
            }
            Some(opening_id) => {
                sqlx::query(
                    "SELECT a.stage, COUNT(*) AS n FROM application_choices c JOIN applications a ON a.id = c.application_id \
                     WHERE c.opening_id = $1 GROUP BY a.stage",
                )
                .bind(opening_id)
                .fetch_all(&self.reader)
                .await?
            }
        };
        let mut counts: Vec<(Stage, i64)> = Stage::ALL.iter().map(|stage| (*stage, 0)).collect();
        for row in rows {
            let stage: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            if let Some(slot) = counts.iter_mut().find(|(s, _)| s.as_str() == stage) {
                slot.1 = count;
            }
        }
        Ok(counts)
    }

    /// The board's filters as SQL conditions with their values.
    fn board_conditions(&self, query: &BoardQuery) -> Conditions {
        let mut conditions = Conditions {
            clauses: Vec::new(),
            binds: Vec::new(),
        };
        if let Some(season_id) = query.season_id {
            conditions.push(|p| format!("a.season_id = {p}"), Bind::Int(season_id));
        }
        if let Some(opening_id) = query.opening_id {
            conditions.push(
                |p| format!("a.id IN (SELECT application_id FROM application_choices WHERE opening_id = {p})"),
                Bind::Int(opening_id),
            );
        }
        if let Some(stage) = query.stage {
            conditions.push(
                |p| format!("a.stage = {p}"),
                Bind::Text(stage.as_str().to_owned()),
            );
        }
        if let Some(track_id) = query.track_id {
            conditions.push(
                |p| format!("a.track_ids LIKE {p}"),
                Bind::Text(format!("%,{track_id},%")),
            );
        }
        if let Some(location_id) = query.location_id {
            conditions.push(
                |p| format!("a.location_ids LIKE {p}"),
                Bind::Text(format!("%,{location_id},%")),
            );
        }
        let school_words = query
            .school
            .as_deref()
            .map(search_words)
            .unwrap_or_default();
        // Every word must occur somewhere in the school's name ("tech" finds "Georgia Tech" and
        // "Technion"). The test is on the application row itself, which the board reads anyway,
        // so no index probe per row. Words are letters and digits only: no LIKE wildcards.
        for word in &school_words {
            let operator = match self.backend {
                Backend::Sqlite => "LIKE",
                Backend::Postgres => "ILIKE",
            };
            conditions.push(
                |p| format!("a.school {operator} {p}"),
                Bind::Text(format!("%{word}%")),
            );
        }
        if let Some(language) = query
            .language
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            conditions.push(
                |p| format!("a.id IN (SELECT application_id FROM application_languages WHERE language = {p})"),
                Bind::Text(language.to_lowercase()),
            );
        }
        if let Some(year) = query.graduation_year {
            conditions.push(|p| format!("a.graduation_year = {p}"), Bind::Int(year));
        }
        let words = query.text.as_deref().map(search_words).unwrap_or_default();
        if !words.is_empty() {
            match self.backend {
                Backend::Sqlite => {
                    let expression = fts5_prefixes(&words);
                    conditions.push(
                        |p| format!("a.id IN (SELECT rowid FROM application_search WHERE application_search MATCH {p})"),
                        Bind::Text(expression),
                    );
                }
                Backend::Postgres => {
                    let expression = tsquery_prefixes(&words);
                    conditions.push(
                        |p| format!("a.id IN (SELECT application_id FROM application_search WHERE document @@ CAST({p} AS tsquery))"),
                        Bind::Text(expression),
                    );
                }
            }
        }
        conditions
    }

    /// One page of the recruiter board.
    pub async fn board(&self, query: &BoardQuery) -> Result<BoardPage> {
        let conditions = self.board_conditions(query);
        let where_sql = conditions.sql();
        // Counting stops past COUNT_LIMIT.
        let total_sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM applications a{where_sql} LIMIT {}) capped",
            COUNT_LIMIT + 1
        );
        let mut total_query = sqlx::query_scalar::<_, i64>(&total_sql);
        for value in &conditions.binds {
            total_query = match value {
                Bind::Int(n) => total_query.bind(*n),
                Bind::Text(text) => total_query.bind(text.as_str()),
            };
        }
        // The page's ids first, then their details: the joins and the first-choice lookup run
        // for the rows shown, not for every row skipped by OFFSET (page 20 skips 950).
        let order = query.sort.order_by();
        let rows_sql = format!(
            "WITH page AS (SELECT a.id FROM applications a{where_sql} ORDER BY {order} LIMIT {} OFFSET {}) \
             SELECT a.id, u.display_name AS candidate_name, u.email AS candidate_email, a.school, a.degree, a.graduation, \
             a.languages, a.stage, (SELECT o.title FROM application_choices c JOIN openings o ON o.id = c.opening_id \
             WHERE c.application_id = a.id AND c.rank = 1) AS first_choice, a.created_at, a.assessment_percent \
             FROM page JOIN applications a ON a.id = page.id JOIN users u ON u.id = a.candidate_id ORDER BY {order}",
            query.limit.clamp(1, 500),
            query.offset.max(0)
        );
        // The count and the page are independent: run them at once, on two connections.
        // Neither is kept prepared: PostgreSQL then plans each run for its own LIKE patterns and
        // search words, where a cached generic plan would guess their row counts badly (board
        // pages measured at 85-117 ms with generic plans).
        let (total, rows) = tokio::try_join!(
            total_query.persistent(false).fetch_one(&self.reader),
            conditions
                .bind(sqlx::query_as::<_, BoardRow>(&rows_sql))
                .persistent(false)
                .fetch_all(&self.reader)
        )?;
        Ok(BoardPage {
            rows,
            total: total.min(COUNT_LIMIT),
            total_is_lower_bound: total > COUNT_LIMIT,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_keep_only_letters_and_digits() {
        assert_eq!(
            search_words("Ada \"Lovelace\" OR* c++"),
            vec!["ada", "lovelace", "or", "c"]
        );
        assert!(search_words("\"*()").is_empty());
    }

    #[test]
    fn the_indexed_document_holds_each_lowered_word_once_and_skips_runaway_words() {
        let runaway = "x".repeat(MAX_INDEXED_WORD_CHARS + 1);
        assert_eq!(
            distinct_words(&["Ada Lovelace", "MIT", &format!("ada's C++ {runaway} mit")]),
            "ada c lovelace mit s"
        );
        assert_eq!(distinct_words(&["", "--"]), "");
    }

    #[test]
    fn prefix_queries_quote_every_word() {
        assert_eq!(
            tsquery_prefixes(&["ada".into(), "love".into()]),
            "'ada':* & 'love':*"
        );
    }

    #[test]
    fn languages_are_stored_between_commas() {
        assert_eq!(
            stored_languages(&["java".into(), "c++".into()]),
            ",java,c++,"
        );
    }
}

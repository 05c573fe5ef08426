//! The live coding pad of an interview: its document as appended Yjs updates and snapshots, and
//! the interviewer's private notes.

use crate::{Result, Store, Tx};

/// One stored update of a pad's document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PadUpdateRecord {
    pub id: i64,
    pub author_id: i64,
    pub data: Vec<u8>,
    pub created_at_ms: i64,
}

/// The whole document as it stood after one update.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PadSnapshotRecord {
    pub through_update_id: i64,
    pub data: Vec<u8>,
}

/// What a pad's document is loaded from: the newest snapshot and every update after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PadHistory {
    pub snapshot: Option<PadSnapshotRecord>,
    pub updates: Vec<PadUpdateRecord>,
}

impl PadHistory {
    /// The id of the newest update the history covers, 0 for an empty pad.
    pub fn last_update_id(&self) -> i64 {
        self.updates
            .last()
            .map(|u| u.id)
            .or(self.snapshot.as_ref().map(|s| s.through_update_id))
            .unwrap_or(0)
    }
}

/// The interviewer's notes beside the pad.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PadNoteRecord {
    pub author_id: i64,
    pub body: String,
    pub updated_at: i64,
}

const UPDATE: &str = "SELECT id, author_id, data, created_at_ms FROM pad_updates";

/// The longest an insert of pad updates may run on PostgreSQL, in milliseconds (the statement
/// timeout of the connections of `Store::pads`). Ids come from a sequence when the insert runs and
/// become visible when it commits, so a reader can see id 11 before id 10; bounding the insert
/// bounds how long that can last.
pub const PAD_INSERT_TIMEOUT_MS: i64 = 5_000;

/// The PostgreSQL channel on which stored pad updates and cursor changes are announced to the
/// web nodes.
pub const PAD_CHANNEL: &str = "cohort_pads";

/// PostgreSQL refuses a payload of 8000 bytes or more: an update larger than this (in bytes,
/// twice that in hex) is announced by its id alone, and each node reads it from the store.
pub const MAX_ANNOUNCED_UPDATE_BYTES: usize = 3_900;

/// What a web node announced on [`PAD_CHANNEL`], read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PadAnnouncement {
    /// An update stored with this id, with its bytes unless they were too large to announce.
    Update {
        interview_id: i64,
        id: i64,
        data: Option<Vec<u8>>,
    },
    /// Someone's cursors changed (an awareness update, under their name): relayed, not stored.
    Cursors {
        interview_id: i64,
        author_id: i64,
        data: Vec<u8>,
    },
}

/// Payloads are `KIND NODE INTERVIEW NUMBER HEX`: `u` with the update's id, or `c` with the
/// cursor's author; NODE (hexadecimal) is the announcing process, which skips its own.
impl PadAnnouncement {
    /// The pad the announcement is about.
    pub fn interview_id(&self) -> i64 {
        match self {
            PadAnnouncement::Update { interview_id, .. }
            | PadAnnouncement::Cursors { interview_id, .. } => *interview_id,
        }
    }

    /// The node that announced `payload`, read without decoding the rest: a node skips its own
    /// announcements, which are most of what it hears.
    pub fn node_of(payload: &str) -> Option<u64> {
        let node = payload.get(2..)?.split(' ').next()?;
        u64::from_str_radix(node, 16).ok()
    }

    /// Reads an announcement; `None` for anything else (a payload of another version of Cohort
    /// is ignored, not misread).
    pub fn parse(payload: &str) -> Option<PadAnnouncement> {
        let mut fields = payload.split(' ');
        let kind = fields.next()?;
        u64::from_str_radix(fields.next()?, 16).ok()?;
        let interview_id = fields.next()?.parse().ok()?;
        let number: i64 = fields.next()?.parse().ok()?;
        let data = fields.next()?;
        if fields.next().is_some() {
            return None;
        }
        Some(match kind {
            "u" => PadAnnouncement::Update {
                interview_id,
                id: number,
                data: if data.is_empty() {
                    None
                } else {
                    Some(hex::decode(data).ok()?)
                },
            },
            "c" => PadAnnouncement::Cursors {
                interview_id,
                author_id: number,
                data: hex::decode(data).ok()?,
            },
            _ => return None,
        })
    }

    /// The payload of a cursor change; `None` when it is too large to announce.
    pub fn cursors_payload(
        node: u64,
        interview_id: i64,
        author_id: i64,
        data: &[u8],
    ) -> Option<String> {
        (data.len() <= MAX_ANNOUNCED_UPDATE_BYTES).then(|| {
            format!(
                "c {node:x} {interview_id} {author_id} {}",
                hex::encode(data)
            )
        })
    }
}

impl Store {
    /// Appends an update to a pad's document; returns its id, which orders it after every
    /// update appended before.
    pub async fn append_pad_update(
        &self,
        interview_id: i64,
        author_id: i64,
        data: &[u8],
        created_at_ms: i64,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO pad_updates (interview_id, author_id, data, created_at_ms) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(interview_id)
        .bind(author_id)
        .bind(data.to_vec())
        .bind(created_at_ms)
        .fetch_one(&self.writer)
        .await?;
        Ok(id)
    }

    /// Appends updates of any pads in one statement (a group commit); returns their ids, in the
    /// order given. Each is (interview, author, update, milliseconds).
    ///
    /// On PostgreSQL the same statement announces each update on [`PAD_CHANNEL`] as made by
    /// `node`: other web nodes hear of an update when (and only if) it is committed, in the order
    /// of the commits.
    pub async fn append_pad_updates(
        &self,
        updates: &[(i64, i64, &[u8], i64)],
        node: u64,
    ) -> Result<Vec<i64>> {
        if updates.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<String> = (0..updates.len())
            .map(|row| {
                let first = row * 4;
                format!(
                    "(${}, ${}, ${}, ${})",
                    first + 1,
                    first + 2,
                    first + 3,
                    first + 4
                )
            })
            .collect();
        let insert = format!(
            "INSERT INTO pad_updates (interview_id, author_id, data, created_at_ms) VALUES {}",
            values.join(", ")
        );
        let sql = match self.backend {
            crate::Backend::Sqlite => format!("{insert} RETURNING id"),
            crate::Backend::Postgres => {
                let channel = updates.len() * 4 + 1;
                format!(
                    "WITH stored AS ({insert} RETURNING id, interview_id, data) \
                     SELECT id FROM stored, LATERAL (SELECT pg_notify(${channel}, \
                     'u ' || ${} || ' ' || interview_id || ' ' || id || ' ' || \
                     CASE WHEN octet_length(data) <= {MAX_ANNOUNCED_UPDATE_BYTES} \
                     THEN encode(data, 'hex') ELSE '' END)) AS announced",
                    channel + 1
                )
            }
        };
        let mut query = sqlx::query_scalar::<_, i64>(&sql);
        for &(interview_id, author_id, data, created_at_ms) in updates {
            query = query
                .bind(interview_id)
                .bind(author_id)
                .bind(data.to_vec())
                .bind(created_at_ms);
        }
        if self.backend == crate::Backend::Postgres {
            query = query.bind(PAD_CHANNEL).bind(format!("{node:x}"));
        }
        let mut ids = query.fetch_all(&self.pads).await?;
        // Both databases number the rows of one statement in the order of its VALUES;
        // RETURNING need not list them in that order, so they are put back in it.
        ids.sort_unstable();
        Ok(ids)
    }

    /// Announces cursor changes on [`PAD_CHANNEL`] (nothing on SQLite, whose one process needs
    /// no announcement), as many to a statement as given.
    pub async fn announce_pad_cursors(&self, payloads: &[String]) -> Result<()> {
        if self.backend != crate::Backend::Postgres || payloads.is_empty() {
            return Ok(());
        }
        for chunk in payloads.chunks(1000) {
            let calls: Vec<String> = (0..chunk.len())
                .map(|n| format!("pg_notify($1, ${})", n + 2))
                .collect();
            let sql = format!("SELECT {}", calls.join(", "));
            let mut query = sqlx::query(&sql).bind(PAD_CHANNEL);
            for payload in chunk {
                query = query.bind(payload.as_str());
            }
            query.execute(&self.pads).await?;
        }
        Ok(())
    }

    /// The newest snapshot of a pad and the updates after it, in order.
    pub async fn pad_history(&self, interview_id: i64) -> Result<PadHistory> {
        let snapshot: Option<PadSnapshotRecord> = sqlx::query_as(
            "SELECT through_update_id, data FROM pad_snapshots WHERE interview_id = $1",
        )
        .bind(interview_id)
        .fetch_optional(&self.reader)
        .await?;
        let after = snapshot.as_ref().map_or(0, |s| s.through_update_id);
        let updates = self.pad_updates_after(interview_id, after).await?;
        Ok(PadHistory { snapshot, updates })
    }

    /// A pad's updates with an id above `after`, in order.
    pub async fn pad_updates_after(
        &self,
        interview_id: i64,
        after: i64,
    ) -> Result<Vec<PadUpdateRecord>> {
        Ok(sqlx::query_as(&format!(
            "{UPDATE} WHERE interview_id = $1 AND id > $2 ORDER BY id"
        ))
        .bind(interview_id)
        .bind(after)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Which of `interview_ids` have a pad someone wrote in: those with something to replay.
    pub async fn interviews_with_pads(
        &self,
        interview_ids: &[i64],
    ) -> Result<std::collections::HashSet<i64>> {
        let mut found = std::collections::HashSet::new();
        for chunk in interview_ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT i.id FROM interviews i WHERE i.id IN ({}) \
                 AND EXISTS (SELECT 1 FROM pad_updates u WHERE u.interview_id = i.id)",
                marks.join(", ")
            );
            let mut query = sqlx::query_scalar::<_, i64>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            found.extend(query.fetch_all(&self.reader).await?);
        }
        Ok(found)
    }

    /// How many updates a pad has, and the bytes they take.
    pub async fn pad_size(&self, interview_id: i64) -> Result<(i64, i64)> {
        let (count, bytes): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(LENGTH(data)) AS BIGINT) FROM pad_updates \
             WHERE interview_id = $1",
        )
        .bind(interview_id)
        .fetch_one(&self.reader)
        .await?;
        Ok((count, bytes.unwrap_or(0)))
    }

    /// Replaces a pad's snapshot with the document as it stood after `through_update_id`. An
    /// older snapshot never replaces a newer one.
    pub async fn save_pad_snapshot(
        &self,
        interview_id: i64,
        through_update_id: i64,
        data: &[u8],
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO pad_snapshots (interview_id, through_update_id, data, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (interview_id) DO UPDATE SET \
             through_update_id = excluded.through_update_id, data = excluded.data, \
             created_at = excluded.created_at \
             WHERE pad_snapshots.through_update_id < excluded.through_update_id",
        )
        .bind(interview_id)
        .bind(through_update_id)
        .bind(data.to_vec())
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// `author_id`'s notes beside the pad.
    pub async fn pad_note(
        &self,
        interview_id: i64,
        author_id: i64,
    ) -> Result<Option<PadNoteRecord>> {
        Ok(sqlx::query_as(
            "SELECT author_id, body, updated_at FROM pad_notes \
             WHERE interview_id = $1 AND author_id = $2",
        )
        .bind(interview_id)
        .bind(author_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn save_pad_note(
        &self,
        interview_id: i64,
        author_id: i64,
        body: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO pad_notes (interview_id, author_id, body, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (interview_id, author_id) DO UPDATE SET \
             body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(interview_id)
        .bind(author_id)
        .bind(body)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}

/// A run of a pad's code, queued or done.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PadRunRecord {
    pub id: i64,
    pub interview_id: i64,
    pub requested_by: i64,
    pub language: String,
    pub code: String,
    pub input: String,
    pub status: String,
    pub result: Option<String>,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

impl PadRunRecord {
    pub fn is_done(&self) -> bool {
        self.status == "done"
    }
}

/// A run to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewPadRun<'a> {
    pub interview_id: i64,
    pub requested_by: i64,
    pub language: &'a str,
    pub code: &'a str,
    pub input: &'a str,
}

const RUN: &str = "SELECT id, interview_id, requested_by, language, code, input, status, result, \
     created_at_ms, finished_at_ms FROM pad_runs";

impl Store {
    /// Queues a run in the caller's transaction. [`crate::StoreError::Conflict`] while another
    /// run of the pad is queued.
    pub async fn queue_pad_run(tx: &mut Tx, run: &NewPadRun<'_>, now_ms: i64) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO pad_runs (interview_id, requested_by, language, code, input, status, \
             created_at_ms) VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING id",
        )
        .bind(run.interview_id)
        .bind(run.requested_by)
        .bind(run.language)
        .bind(run.code)
        .bind(run.input)
        .bind(now_ms)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| crate::StoreError::conflict_as(e, "a run of this pad"))
    }

    /// Records the pad's runs queued before `queued_before_ms` as done with `result` (runs no
    /// judge finished in time).
    pub async fn give_up_pad_runs(
        tx: &mut Tx,
        interview_id: i64,
        queued_before_ms: i64,
        result: &str,
        now_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE pad_runs SET status = 'done', result = $1, finished_at_ms = $2 \
             WHERE interview_id = $3 AND status = 'queued' AND created_at_ms < $4",
        )
        .bind(result)
        .bind(now_ms)
        .bind(interview_id)
        .bind(queued_before_ms)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn pad_run(&self, id: i64) -> Result<Option<PadRunRecord>> {
        Ok(sqlx::query_as(&format!("{RUN} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?)
    }

    /// A pad's newest runs, newest first.
    pub async fn pad_runs(&self, interview_id: i64, limit: i64) -> Result<Vec<PadRunRecord>> {
        Ok(sqlx::query_as(&format!(
            "{RUN} WHERE interview_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(interview_id)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Records a queued run's result; false when it was recorded already (a job run twice).
    pub async fn finish_pad_run(
        tx: &mut Tx,
        id: i64,
        result: &str,
        finished_at_ms: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE pad_runs SET status = 'done', result = $1, finished_at_ms = $2 \
             WHERE id = $3 AND status = 'queued'",
        )
        .bind(result)
        .bind(finished_at_ms)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(crate::affected(done) == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_announcement_reads_back_as_it_was_written() {
        let payload = PadAnnouncement::cursors_payload(0xfeed, 2, 3, b"{}").unwrap();
        assert_eq!(PadAnnouncement::node_of(&payload), Some(0xfeed));
        assert_eq!(
            PadAnnouncement::parse(&payload),
            Some(PadAnnouncement::Cursors {
                interview_id: 2,
                author_id: 3,
                data: b"{}".to_vec()
            })
        );
    }

    #[test]
    fn cursors_too_large_to_announce_are_not_announced() {
        let large = vec![0u8; MAX_ANNOUNCED_UPDATE_BYTES + 1];
        assert_eq!(PadAnnouncement::cursors_payload(1, 2, 3, &large), None);
        let largest = vec![0u8; MAX_ANNOUNCED_UPDATE_BYTES];
        let payload = PadAnnouncement::cursors_payload(u64::MAX, i64::MAX, i64::MAX, &largest);
        assert!(payload.unwrap().len() < 8_000, "PostgreSQL's limit");
    }

    #[test]
    fn an_update_announced_without_its_bytes_reads_as_one_to_fetch() {
        assert_eq!(
            PadAnnouncement::parse("u 1f 42 9 "),
            Some(PadAnnouncement::Update {
                interview_id: 42,
                id: 9,
                data: None
            })
        );
        assert_eq!(
            PadAnnouncement::parse("u 1f 42 9 0a0b"),
            Some(PadAnnouncement::Update {
                interview_id: 42,
                id: 9,
                data: Some(vec![10, 11])
            })
        );
    }

    #[test]
    fn an_unknown_or_damaged_announcement_is_ignored() {
        for payload in [
            "",
            "x 1 2 3 00",
            "u zz 2 3 ",
            "u 1 2 3 0g",
            "u 1 2 3 00 extra",
        ] {
            assert_eq!(PadAnnouncement::parse(payload), None, "{payload:?}");
        }
        assert_eq!(PadAnnouncement::node_of("u"), None);
    }
}

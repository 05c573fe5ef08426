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

/// The longest an announced insert of pad updates may run on PostgreSQL, in milliseconds. Ids
/// come from a sequence when the insert runs and become visible when it commits, so a reader
/// can see id 11 before id 10; bounding the insert bounds how long that can last.
pub const PAD_INSERT_TIMEOUT_MS: i64 = 5_000;

/// How stored pad updates are announced to other web nodes: the channel, and the payload of the
/// update at an index of the batch with its new id.
#[derive(Clone, Copy)]
pub struct Announce<'a> {
    pub channel: &'a str,
    pub payload: &'a (dyn Fn(usize, i64) -> String + Sync),
}

/// `pg_notify` for each payload, a thousand to a statement.
async fn notify_in(tx: &mut Tx, channel: &str, payloads: &[String]) -> Result<()> {
    for chunk in payloads.chunks(1000) {
        let calls: Vec<String> = (0..chunk.len())
            .map(|n| format!("pg_notify($1, ${})", n + 2))
            .collect();
        let sql = format!("SELECT {}", calls.join(", "));
        let mut query = sqlx::query(&sql).bind(channel);
        for payload in chunk {
            query = query.bind(payload.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
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
    /// With `announce` on PostgreSQL, each stored update is also announced on the channel, with
    /// the payload `announce` makes of its index and id, in the same transaction: other web
    /// nodes hear of an update when (and only if) it is committed, in the order of the commits.
    pub async fn append_pad_updates(
        &self,
        updates: &[(i64, i64, &[u8], i64)],
        announce: Option<Announce<'_>>,
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
        let sql = format!(
            "INSERT INTO pad_updates (interview_id, author_id, data, created_at_ms) VALUES {} \
             RETURNING id",
            values.join(", ")
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql);
        for &(interview_id, author_id, data, created_at_ms) in updates {
            query = query
                .bind(interview_id)
                .bind(author_id)
                .bind(data.to_vec())
                .bind(created_at_ms);
        }
        let announce = announce.filter(|_| self.backend == crate::Backend::Postgres);
        let Some(announce) = announce else {
            let mut ids = query.fetch_all(&self.writer).await?;
            // Both databases number the rows of one statement in the order of its VALUES;
            // RETURNING need not list them in that order, so they are put back in it.
            ids.sort_unstable();
            return Ok(ids);
        };
        let mut tx = self.writer.begin().await?;
        // Other nodes take an update with a lower id than one they have seen as settled after
        // `PAD_INSERT_TIMEOUT_MS` (see `pad_snapshots`), so no insert may hold its ids longer.
        sqlx::query(&format!(
            "SET LOCAL statement_timeout = {PAD_INSERT_TIMEOUT_MS}"
        ))
        .execute(&mut *tx)
        .await?;
        let mut ids = query.fetch_all(&mut *tx).await?;
        ids.sort_unstable();
        let payloads: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(index, &id)| (announce.payload)(index, id))
            .collect();
        notify_in(&mut tx, announce.channel, &payloads).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Announces each payload on a PostgreSQL channel (nothing on SQLite, whose one process
    /// needs no announcement): pad cursors, which other nodes relay but nobody stores.
    pub async fn notify(&self, channel: &str, payloads: &[String]) -> Result<()> {
        if self.backend != crate::Backend::Postgres || payloads.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        notify_in(&mut tx, channel, payloads).await?;
        tx.commit().await?;
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

-- Interviews, part 2: the question bank that interview kits suggest from. A question assesses one
-- competency (a principle or a technical area), for one track or for every track (NULL), at a
-- level; retired questions are kept (scorecards name them) but no longer suggested.
CREATE TABLE interview_questions (
    id INTEGER PRIMARY KEY,
    competency_id INTEGER NOT NULL REFERENCES competencies(id),
    track_name TEXT,
    -- 'intern' or 'new_grad'.
    level TEXT NOT NULL,
    prompt TEXT NOT NULL,
    -- What a strong answer covers, for the interviewer.
    guidance TEXT NOT NULL,
    retired_at INTEGER,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX interview_questions_competency ON interview_questions(competency_id);

-- The questions an interviewer says they asked, on their scorecard: how often a question was
-- used in a season is counted from these.
CREATE TABLE scorecard_questions (
    scorecard_id INTEGER NOT NULL REFERENCES scorecards(id),
    question_id INTEGER NOT NULL REFERENCES interview_questions(id),
    PRIMARY KEY (scorecard_id, question_id)
);
CREATE INDEX scorecard_questions_question ON scorecard_questions(question_id);

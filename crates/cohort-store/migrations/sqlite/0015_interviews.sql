-- Interviews, part 1: the competencies interviews assess (the tracks' technical areas and the
-- company's principles), and each track's loop template.
CREATE TABLE competencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- 'technical' or 'principle'.
    kind TEXT NOT NULL,
    -- 1 for a principle every loop should assess (the coverage view warns when none does).
    key_principle INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX competencies_name ON competencies(lower(name));

-- A track's interviews: its phone screens and the final loop's interviews in order.
CREATE TABLE loop_templates (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id),
    track_id INTEGER NOT NULL UNIQUE REFERENCES tracks(id),
    max_gap_minutes INTEGER NOT NULL,
    phone_screen_minutes INTEGER NOT NULL,
    phone_screens INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX loop_templates_season ON loop_templates(season_id);

CREATE TABLE loop_template_interviews (
    template_id INTEGER NOT NULL REFERENCES loop_templates(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    title TEXT NOT NULL,
    area_id INTEGER REFERENCES competencies(id),
    bar_raiser INTEGER NOT NULL,
    PRIMARY KEY (template_id, position)
);

CREATE TABLE loop_template_principles (
    template_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    competency_id INTEGER NOT NULL REFERENCES competencies(id),
    PRIMARY KEY (template_id, position, competency_id),
    FOREIGN KEY (template_id, position) REFERENCES loop_template_interviews(template_id, position) ON DELETE CASCADE
);
CREATE INDEX loop_template_principles_competency ON loop_template_principles(competency_id);

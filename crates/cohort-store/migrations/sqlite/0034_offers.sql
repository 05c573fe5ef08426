-- Offers and their letters.
--
-- Pay bands gain a range: monthly pay runs from monthly_pay_minor to monthly_pay_max_minor, and
-- a sign-on bonus up to sign_on_max_minor is within the band. An existing band becomes a band of
-- one amount with no sign-on bonus.
ALTER TABLE pay_bands ADD COLUMN monthly_pay_max_minor INTEGER;
ALTER TABLE pay_bands ADD COLUMN sign_on_max_minor INTEGER NOT NULL DEFAULT 0;
UPDATE pay_bands SET monthly_pay_max_minor = monthly_pay_minor;

-- Amounts used to be stored as hundredths whatever the currency. Each currency now has its own
-- number of decimals (ISO 4217), so bands in currencies without two are rescaled: hundredths of
-- a yen become yen (rounded to the nearest), hundredths of a dinar become thousandths.
UPDATE pay_bands SET
    monthly_pay_minor = (monthly_pay_minor + 50) / 100,
    monthly_pay_max_minor = (monthly_pay_max_minor + 50) / 100,
    housing_stipend_minor = (housing_stipend_minor + 50) / 100,
    relocation_minor = (relocation_minor + 50) / 100
WHERE currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF');
UPDATE pay_bands SET
    monthly_pay_minor = monthly_pay_minor * 10,
    monthly_pay_max_minor = monthly_pay_max_minor * 10,
    housing_stipend_minor = housing_stipend_minor * 10,
    relocation_minor = relocation_minor * 10
WHERE currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND');
UPDATE pay_bands SET
    monthly_pay_minor = monthly_pay_minor * 100,
    monthly_pay_max_minor = monthly_pay_max_minor * 100,
    housing_stipend_minor = housing_stipend_minor * 100,
    relocation_minor = relocation_minor * 100
WHERE currency IN ('CLF','UYW');

-- One offer per application. Amounts are minor units of `currency`; dates are ISO dates; the
-- deadline is a date in `time_zone` (the candidate's) and `expires_at` the instant it ends.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
    season_id INTEGER NOT NULL REFERENCES seasons(id),
    opening_id INTEGER NOT NULL REFERENCES openings(id),
    state TEXT NOT NULL,
    -- Every change of terms moves the version; an approval counts for the version it saw.
    version INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    monthly_pay_minor INTEGER NOT NULL,
    housing TEXT NOT NULL,
    housing_stipend_minor INTEGER NOT NULL,
    relocation_minor INTEGER NOT NULL,
    sign_on_minor INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Why the exceptions (out of band, beyond headcount) are justified, for the approvers.
    reason TEXT NOT NULL,
    -- The exceptions found when the offer was last submitted, as sentences, one per line.
    exceptions TEXT NOT NULL DEFAULT '',
    -- The approval chain as it stood when the offer was submitted ("approver applies", one step
    -- a line), so that a chain edited later does not move the steps under an offer's approvals.
    approval_chain TEXT NOT NULL DEFAULT '',
    -- The letter as the candidate reads it (Markdown), fixed when the offer is sent or extended,
    -- and its SHA-256 in hex.
    letter TEXT,
    letter_sha256 TEXT,
    created_by INTEGER NOT NULL REFERENCES users(id),
    sent_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER,
    answered_at INTEGER,
    -- The acceptance: the name typed, the address it came from and the letter's hash it answered.
    signature TEXT,
    signed_from TEXT,
    signed_letter_sha256 TEXT,
    decline_reason TEXT,
    decline_note TEXT,
    rescind_reason TEXT
);
CREATE INDEX offers_season_state ON offers(season_id, state);
CREATE INDEX offers_opening ON offers(opening_id, state);

-- The approvals given (or refused) for an offer's version, one per step of the chain.
CREATE TABLE offer_approvals (
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    version INTEGER NOT NULL,
    step INTEGER NOT NULL,
    approver_id INTEGER NOT NULL REFERENCES users(id),
    approved INTEGER NOT NULL,
    note TEXT NOT NULL,
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (offer_id, version, step)
);

-- Everything that happened to an offer, append-only: who, when, what, with the old and new
-- terms of an edit.
CREATE TABLE offer_events (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    actor_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX offer_events_offer ON offer_events(offer_id, id);
CREATE TRIGGER offer_events_no_update BEFORE UPDATE ON offer_events
BEGIN SELECT RAISE(ABORT, 'offer_events is append-only'); END;
CREATE TRIGGER offer_events_no_delete BEFORE DELETE ON offer_events
BEGIN SELECT RAISE(ABORT, 'offer_events is append-only'); END;

-- A season's approval chain, in order. A season without rows uses the default chain.
CREATE TABLE offer_approval_steps (
    season_id INTEGER NOT NULL REFERENCES seasons(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    approver TEXT NOT NULL,
    applies TEXT NOT NULL,
    PRIMARY KEY (season_id, position)
);
-- Set once a season's chain has been saved, so that an emptied chain is not the default again.
CREATE TABLE offer_chain_saved (
    season_id INTEGER PRIMARY KEY REFERENCES seasons(id) ON DELETE CASCADE
);

-- A season's offer letter template (Markdown with {{fields}}); without one the default is used.
CREATE TABLE offer_letter_templates (
    season_id INTEGER PRIMARY KEY REFERENCES seasons(id) ON DELETE CASCADE,
    markdown TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at INTEGER NOT NULL
);

-- Psychological assistance (心理援助).  A request is a case of kind
-- 'counselling' on the case engine; its `code` is the node of the person
-- (their grid, or the node of their account) and decides which counsellors
-- and supervisors cover it.  Everything a person says -- the concern, the
-- contact, session notes, the closing summary -- is sealed with the
-- deployment key (XChaCha20-Poly1305, see core/secure.h): the database and
-- its backups hold no readable word of it.
CREATE TABLE counselling (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	-- The registry record of the person, when known (a linked resident
	-- account, or staff asking for a resident in scope).
	resident_id INTEGER REFERENCES residents(id),
	requester_id INTEGER NOT NULL REFERENCES users(id),
	for_self INTEGER NOT NULL CHECK (for_self IN (0, 1)),
	category TEXT NOT NULL CHECK (category IN ('emotional', 'family', 'stress', 'bereavement',
						  'addiction', 'other')),
	concern BLOB NOT NULL,        -- sealed
	contact_name BLOB,            -- sealed: how the person wishes to be addressed
	contact_phone BLOB NOT NULL,  -- sealed
	contact_pref TEXT NOT NULL CHECK (contact_pref IN ('phone', 'in_person', 'online')),
	crisis INTEGER NOT NULL DEFAULT 0 CHECK (crisis IN (0, 1)),
	crisis_count INTEGER NOT NULL DEFAULT 0, -- times a crisis was raised
	supervisor_id INTEGER REFERENCES users(id), -- who assigned: the case's supervisor
	counsellor_id INTEGER REFERENCES users(id),
	requested_at_ms INTEGER NOT NULL,
	assigned_at_ms INTEGER,
	first_contact_ms INTEGER,     -- the first session held
	closed_at_ms INTEGER,
	outcome TEXT CHECK (outcome IN ('resolved', 'referred', 'withdrawn')),
	summary BLOB                  -- sealed closing summary
);
CREATE INDEX counselling_counsellor ON counselling(counsellor_id, crisis);
CREATE INDEX counselling_supervisor ON counselling(supervisor_id);
CREATE INDEX counselling_requester ON counselling(requester_id);
CREATE INDEX counselling_requested ON counselling(requested_at_ms);

-- Sessions held with the person; the notes are sealed.
CREATE TABLE counselling_sessions (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	held_on TEXT NOT NULL, -- YYYY-MM-DD
	kind TEXT NOT NULL CHECK (kind IN ('phone', 'in_person', 'online')),
	minutes INTEGER CHECK (minutes BETWEEN 1 AND 600),
	notes BLOB,            -- sealed
	counsellor_id INTEGER NOT NULL REFERENCES users(id),
	created_at_ms INTEGER NOT NULL
);
CREATE INDEX counselling_sessions_case ON counselling_sessions(case_id, id);

-- A crisis alert: one row per supervisor covering the case's node each
-- time a crisis is raised, written in the same transaction as the flag;
-- acknowledging it is recorded here and in the audit log.
CREATE TABLE counselling_alerts (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	supervisor_id INTEGER NOT NULL REFERENCES users(id),
	raised_by INTEGER REFERENCES users(id),
	raised_at_ms INTEGER NOT NULL,
	acknowledged_at_ms INTEGER
);
CREATE INDEX counselling_alerts_supervisor ON counselling_alerts(supervisor_id, acknowledged_at_ms);
CREATE INDEX counselling_alerts_case ON counselling_alerts(case_id);

-- People's mediation (人民调解法): committees and their members, mediation
-- cases on the case engine (kind 'mediation') with their parties,
-- mediators, sessions, written agreement, signatures and follow-up visits.
-- Times are Unix milliseconds (UTC); dates are civil dates (China Standard
-- Time) written YYYY-MM-DD.

-- The kinds of dispute a county justice bureau counts.
CREATE TABLE mediation_dispute_types (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	sort INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO mediation_dispute_types (code, name, name_en, sort) VALUES
 ('marriage_family', '婚姻家庭纠纷', 'Marriage and family', 1),
 ('neighbour', '邻里纠纷', 'Neighbours', 2),
 ('housing_homestead', '房屋宅基地纠纷', 'Housing and homestead', 3),
 ('contract', '合同纠纷', 'Contract', 4),
 ('business', '生产经营纠纷', 'Production and business', 5),
 ('damages', '损害赔偿纠纷', 'Compensation for damage', 6),
 ('labour', '劳动争议纠纷', 'Labour', 7),
 ('land_contract', '土地承包纠纷', 'Land contracting', 8),
 ('expropriation', '征地拆迁纠纷', 'Land requisition and demolition', 9),
 ('medical', '医疗纠纷', 'Medical', 10),
 ('property_service', '物业纠纷', 'Property management', 11),
 ('forest_water', '山林水利纠纷', 'Forests and water', 12),
 ('other', '其他纠纷', 'Other', 13);

-- A people's mediation committee of a village or neighbourhood committee,
-- or a town's.  Its members are elected for three years from elected_on;
-- a new election sets a new date.
CREATE TABLE mediation_committees (
	id INTEGER PRIMARY KEY,
	org_code TEXT NOT NULL,
	name TEXT NOT NULL,
	elected_on TEXT NOT NULL,
	created_at_ms INTEGER NOT NULL,
	UNIQUE (org_code, name)
);

-- Members: name, gender (the law asks for a woman among them), duty, and
-- the account of a member who mediates (an account holding the mediator
-- role over the committee's node).  A member who leaves keeps the row with
-- left_on, so old cases still name their mediators.
CREATE TABLE mediation_members (
	id INTEGER PRIMARY KEY,
	committee_id INTEGER NOT NULL REFERENCES mediation_committees(id),
	name TEXT NOT NULL,
	gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
	duty TEXT NOT NULL CHECK (duty IN ('chair', 'vice_chair', 'member')),
	user_id INTEGER REFERENCES users(id),
	joined_on TEXT NOT NULL,
	left_on TEXT,
	created_at_ms INTEGER NOT NULL
);
CREATE INDEX mediation_members_committee ON mediation_members(committee_id, id);
CREATE INDEX mediation_members_user ON mediation_members(user_id) WHERE user_id IS NOT NULL;

-- What a mediation case adds to its case.  due_at_ms is the end of the
-- one-month limit (kept after the case concludes, for the statistics);
-- the outcome and its details are set when it concludes.
CREATE TABLE mediation_cases (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	committee_id INTEGER NOT NULL REFERENCES mediation_committees(id),
	year INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	dispute_type TEXT NOT NULL REFERENCES mediation_dispute_types(code),
	source TEXT NOT NULL CHECK (source IN ('application', 'initiative', 'police', 'court',
					       'assigned')),
	source_note TEXT NOT NULL DEFAULT '',
	summary TEXT NOT NULL,
	registered_at_ms INTEGER NOT NULL,
	registered_by INTEGER REFERENCES users(id),
	due_on TEXT,
	due_at_ms INTEGER,
	extensions INTEGER NOT NULL DEFAULT 0,
	outcome TEXT CHECK (outcome IN ('not_accepted', 'agreed', 'failed', 'referred')),
	outcome_note TEXT,
	concluded_at_ms INTEGER,
	end_kind TEXT CHECK (end_kind IN ('no_agreement', 'party_refused', 'withdrawn', 'other')),
	routes TEXT, -- JSON array: arbitration, administrative, litigation
	referral_unit TEXT,
	performed INTEGER NOT NULL DEFAULT 0,
	closed_at_ms INTEGER,
	UNIQUE (committee_id, year, seq)
);
CREATE INDEX mediation_cases_registered ON mediation_cases(registered_at_ms);

-- Parties: persons (optionally a registry resident) or organisations.
-- Identity and phone numbers are personal data: sealed at rest, shown
-- masked.  willing records the consent given at registration; a party who
-- refuses later gets refused_at_ms.
CREATE TABLE mediation_parties (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	side TEXT NOT NULL CHECK (side IN ('applicant', 'respondent')),
	kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
	name TEXT NOT NULL,
	gender TEXT CHECK (gender IN ('male', 'female')),
	resident_id INTEGER REFERENCES residents(id),
	id_enc BLOB,
	id_mask TEXT,
	phone_enc BLOB,
	phone_mask TEXT,
	address TEXT NOT NULL DEFAULT '',
	representative TEXT NOT NULL DEFAULT '',
	willing INTEGER NOT NULL,
	refusal_note TEXT,
	refused_at_ms INTEGER
);
CREATE INDEX mediation_parties_case ON mediation_parties(case_id, id);

-- Mediators of a case: assigned by the committee or chosen by the parties;
-- a recusal keeps the row (who asked, why, when) and bars the member from
-- the case for good.
CREATE TABLE mediation_case_mediators (
	case_id INTEGER NOT NULL REFERENCES cases(id),
	member_id INTEGER NOT NULL REFERENCES mediation_members(id),
	how TEXT NOT NULL CHECK (how IN ('assigned', 'chosen')),
	assigned_at_ms INTEGER NOT NULL,
	recused_at_ms INTEGER,
	recusal_by TEXT CHECK (recusal_by IN ('party', 'mediator')),
	recusal_reason TEXT,
	PRIMARY KEY (case_id, member_id)
) WITHOUT ROWID;
CREATE INDEX mediation_case_mediators_member ON mediation_case_mediators(member_id);

-- The record of each mediation session.
CREATE TABLE mediation_sessions (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	held_on TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	mediator_ids TEXT NOT NULL, -- JSON array of members present
	attendees TEXT NOT NULL DEFAULT '',
	record TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at_ms INTEGER NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id, id);

-- The written agreement (调解协议书).  It takes effect when every party and
-- a mediator have signed (effective_at_ms); from then on nothing in it
-- changes.  The parties may apply for judicial confirmation until
-- confirm_last_day; the mediators are reminded at confirm_remind_at_ms.
CREATE TABLE mediation_agreements (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	facts TEXT NOT NULL,
	disputed_matters TEXT NOT NULL,
	responsibilities TEXT NOT NULL,
	terms TEXT NOT NULL,
	performance TEXT NOT NULL,
	perform_by TEXT NOT NULL,
	drawn_up_at_ms INTEGER NOT NULL,
	updated_at_ms INTEGER NOT NULL,
	effective_at_ms INTEGER,
	confirm_last_day TEXT,
	confirm_remind_at_ms INTEGER,
	confirm_reminded INTEGER NOT NULL DEFAULT 0,
	confirmation TEXT NOT NULL DEFAULT 'unknown'
		CHECK (confirmation IN ('unknown', 'applied', 'not_applied')),
	confirmation_on TEXT,
	confirmation_court TEXT
);
CREATE INDEX mediation_agreements_remind ON mediation_agreements(confirm_remind_at_ms)
	WHERE confirm_reminded = 0 AND confirm_remind_at_ms IS NOT NULL;

CREATE TABLE mediation_signatures (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	party_id INTEGER REFERENCES mediation_parties(id),
	member_id INTEGER REFERENCES mediation_members(id),
	signed_at_ms INTEGER NOT NULL,
	recorded_by INTEGER REFERENCES users(id),
	CHECK ((party_id IS NULL) <> (member_id IS NULL)),
	UNIQUE (case_id, party_id),
	UNIQUE (case_id, member_id)
);

-- Follow-up visits (回访): whether the agreement is being performed.
CREATE TABLE mediation_followups (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	visited_on TEXT NOT NULL,
	visitor TEXT NOT NULL,
	performance TEXT NOT NULL CHECK (performance IN ('performed', 'partly', 'not_performed',
							 'not_due')),
	notes TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users(id),
	created_at_ms INTEGER NOT NULL
);
CREATE INDEX mediation_followups_case ON mediation_followups(case_id, id);

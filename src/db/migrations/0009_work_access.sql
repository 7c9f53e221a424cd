-- Work access (工作准入): requests by departments and towns to give
-- communities work, decided against the duty lists of 0008 or by the
-- county's reviewing unit; the community's task ledger with its refusals;
-- the matters approved on review, which later identical requests pass.
-- Times are Unix milliseconds (UTC); dates are civil dates (YYYY-MM-DD,
-- China Standard Time).

-- The handling unit (civil affairs, or the governance office) whose
-- members review the requests of a county that the lists do not decide.
-- One per county, set by a county officer.
CREATE TABLE access_reviewers (
	county_code TEXT PRIMARY KEY,
	unit_id INTEGER NOT NULL REFERENCES handling_units(id),
	set_by INTEGER REFERENCES users(id),
	set_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- What a request adds to its case (kind 'access').  The case's code is
-- the common ancestor of the communities in scope; requester_code is the
-- node the requester filed from and body the requesting department or
-- town (a handling unit the requester belongs to, or the node's name).
-- rule is the JSON of the automatic check: which rule decided and why.
CREATE TABLE access_requests (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	requester_code TEXT NOT NULL,
	body TEXT NOT NULL,
	body_unit_id INTEGER REFERENCES handling_units(id),
	kind TEXT NOT NULL CHECK (kind IN ('task', 'form', 'meeting', 'inspection', 'plaque',
					   'app', 'certificate')),
	title TEXT NOT NULL,
	description TEXT NOT NULL,
	legal_basis TEXT NOT NULL,
	funding TEXT NOT NULL,        -- 费随事转: who pays and how much
	funded INTEGER NOT NULL CHECK (funded IN (0, 1)),
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,
	deadline_on TEXT NOT NULL,    -- the tasks' deadline in the ledgers
	workload_hours INTEGER NOT NULL, -- expected per community
	list_item_id INTEGER REFERENCES duty_items(id), -- the list item claimed
	scope TEXT NOT NULL,          -- JSON array of the codes as given
	rule TEXT NOT NULL,           -- JSON: the automatic decision
	conditions TEXT,              -- set on approval
	reason TEXT,                  -- set on rejection or withdrawal
	submitted_at_ms INTEGER NOT NULL,
	decided_at_ms INTEGER
);
CREATE INDEX access_requests_submitted ON access_requests(submitted_at_ms);

-- The communities a request covers, resolved from its scope when filed.
CREATE TABLE access_request_communities (
	case_id INTEGER NOT NULL REFERENCES cases(id),
	code TEXT NOT NULL,
	PRIMARY KEY (case_id, code)
) WITHOUT ROWID;
CREATE INDEX access_request_communities_code ON access_request_communities(code, case_id);

-- Matters approved on review for a community: a later request of the same
-- kind and title covering only communities where it was approved passes
-- as if it were on their lists ("approved items enter the lists").
CREATE TABLE access_approved (
	code TEXT NOT NULL,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	approved_at_ms INTEGER NOT NULL,
	PRIMARY KEY (code, kind, title)
) WITHOUT ROWID;

-- The task ledger of a community: work from passed or approved requests
-- (source 'access'), and work that reached the community outside the
-- system, recorded by the community itself (source 'outside', access
-- 'none'), which it may refuse citing the rule.
CREATE TABLE community_tasks (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL,
	case_id INTEGER REFERENCES cases(id),
	source TEXT NOT NULL CHECK (source IN ('access', 'outside')),
	access TEXT NOT NULL CHECK (access IN ('passed', 'approved', 'none')),
	kind TEXT NOT NULL CHECK (kind IN ('task', 'form', 'meeting', 'inspection', 'plaque',
					   'app', 'certificate')),
	title TEXT NOT NULL,
	requester TEXT NOT NULL,      -- the body that asked
	received_on TEXT NOT NULL,
	deadline_on TEXT,
	note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'refused')),
	created_at_ms INTEGER NOT NULL,
	created_by INTEGER REFERENCES users(id),
	done_at_ms INTEGER,
	done_by INTEGER REFERENCES users(id),
	done_note TEXT,
	refused_at_ms INTEGER,
	refused_by INTEGER REFERENCES users(id),
	refusal_rule TEXT CHECK (refusal_rule IN ('not_through_access', 'negative_list')),
	refusal_item_id INTEGER REFERENCES duty_items(id),
	refusal_note TEXT
);
CREATE INDEX community_tasks_code ON community_tasks(code, status, id);
CREATE INDEX community_tasks_case ON community_tasks(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX community_tasks_created ON community_tasks(created_at_ms);
CREATE INDEX community_tasks_refused ON community_tasks(refused_at_ms) WHERE refused_at_ms IS NOT NULL;

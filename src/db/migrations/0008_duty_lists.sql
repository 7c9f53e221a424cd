-- Duty lists (权责清单, 村（社区）工作事务三张清单) and the certificates
-- committees must not issue.  Dates are civil dates (YYYY-MM-DD, China
-- Standard Time); times are Unix milliseconds.

-- A list in one version.  kind 'power': the power-and-responsibility list
-- of a body (a county department or a town/street) in community governance;
-- kind 'community': the three lists of the communities under owner_code (a
-- community's own, or the default of all communities of a town or county).
-- A published version is in force from effective_from until the next
-- published version of the same list starts; drafts are edited, published
-- versions never change.
CREATE TABLE duty_lists (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('power', 'community')),
	owner_code TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '', -- the department or town a power list is of
	version INTEGER NOT NULL CHECK (version >= 1),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
	effective_from TEXT,           -- set when published
	note TEXT NOT NULL DEFAULT '', -- what changed in this version
	created_at_ms INTEGER NOT NULL,
	created_by INTEGER REFERENCES users(id),
	published_at_ms INTEGER,
	published_by INTEGER REFERENCES users(id),
	UNIQUE (kind, owner_code, body, version)
);
CREATE INDEX duty_lists_owner ON duty_lists(kind, owner_code, status, effective_from);

-- The items of a list version.  section: for a power list the type of power
-- (行政许可 licensing, 行政处罚 penalty, 行政检查 inspection, 公共服务 public
-- service, 其他 other: 'licensing', 'penalty', 'inspection', 'service',
-- 'other'); for community lists 'by_law' (依法履职), 'assisted' (协助政府)
-- or 'negative' (负面清单).  keywords: words separated by '|' that, found in
-- a work-access request's title or description, match the item (used for
-- the negative list).
CREATE TABLE duty_items (
	id INTEGER PRIMARY KEY,
	list_id INTEGER NOT NULL REFERENCES duty_lists(id),
	section TEXT NOT NULL CHECK (section IN ('licensing', 'penalty', 'inspection',
		'service', 'other', 'by_law', 'assisted', 'negative')),
	seq INTEGER NOT NULL,
	title TEXT NOT NULL,
	title_en TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	responsible TEXT NOT NULL DEFAULT '',
	cooperating TEXT NOT NULL DEFAULT '',
	community_role TEXT NOT NULL DEFAULT '',
	keywords TEXT NOT NULL DEFAULT '',
	UNIQUE (list_id, section, seq)
);
CREATE INDEX duty_items_list ON duty_items(list_id, section, seq);

-- Certificates committees must not issue (the 2020 national list, extended
-- locally under scope_code; '' is national), with where the resident goes
-- instead.  keywords as above, matched against the certificate asked for.
CREATE TABLE banned_certificates (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	keywords TEXT NOT NULL,
	go_to TEXT NOT NULL,
	go_to_en TEXT NOT NULL,
	basis TEXT NOT NULL DEFAULT '',
	scope_code TEXT NOT NULL DEFAULT '',
	added_at_ms INTEGER NOT NULL DEFAULT 0,
	added_by INTEGER REFERENCES users(id)
);

-- Certificates asked for at a community's desk: issued from a template with
-- a register number, or refused because the certificate is on the banned
-- list (refused_by names the entry).  code is the community's.
CREATE TABLE certificates (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL,
	resident_id INTEGER REFERENCES residents(id),
	title TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('issued', 'refused')),
	register_no TEXT UNIQUE,           -- issued ones only
	refused_by INTEGER REFERENCES banned_certificates(id),
	body TEXT NOT NULL DEFAULT '',     -- the text issued
	by_user INTEGER REFERENCES users(id),
	at_ms INTEGER NOT NULL
);
CREATE INDEX certificates_code ON certificates(code, at_ms);

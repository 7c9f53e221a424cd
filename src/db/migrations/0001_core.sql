-- Platform core: jurisdiction tree, accounts, role grants, sessions, grid
-- workers and the hash-chained audit log.  Times are Unix seconds (UTC)
-- unless the column name says _ms.

CREATE TABLE org (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES org(id),
	level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'town', 'community', 'grid')),
	-- Statistical division code (2, 4, 6, 9 or 12 digits) or a grid code
	-- (15 digits).  A child's code always starts with its parent's, so a
	-- subtree is a range of codes and needs no closure table.
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	boundary TEXT,            -- GeoJSON Polygon or MultiPolygon (grids)
	supervision_phone TEXT,   -- posted publicly on the grid
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX org_parent ON org(parent_id, code);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	last_login_at INTEGER,
	password_changed_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- A role held at a node covers that node's subtree.  The three
-- administrator roles are held without a node (org_id NULL).
CREATE TABLE user_roles (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	role TEXT NOT NULL,
	org_id INTEGER REFERENCES org(id),
	granted_by INTEGER REFERENCES users(id),
	granted_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX user_roles_unique ON user_roles(user_id, role, ifnull(org_id, 0));
CREATE INDEX user_roles_org ON user_roles(org_id);

-- Only a hash of the bearer token is stored.
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash BLOB NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	client_ip TEXT NOT NULL,
	user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The grid worker posted on a grid, with the service phone residents call.
CREATE TABLE grid_workers (
	org_id INTEGER NOT NULL REFERENCES org(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	phone TEXT NOT NULL,
	assigned_at INTEGER NOT NULL,
	assigned_by INTEGER REFERENCES users(id),
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX grid_workers_user ON grid_workers(user_id);

-- Append-only audit log.  Each record's hash is a keyed BLAKE2b over the
-- previous record's hash and this record's fields (auth/audit.c), so an
-- edited, deleted or reordered record breaks the chain.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at_ms INTEGER NOT NULL,
	actor_id INTEGER,
	actor_name TEXT NOT NULL,
	role TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	org_id INTEGER,
	result TEXT NOT NULL,
	client_ip TEXT NOT NULL,
	request_id TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash BLOB NOT NULL
);
CREATE INDEX audit_at ON audit_log(at_ms);
CREATE INDEX audit_actor ON audit_log(actor_id, id);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_action ON audit_log(action, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit records cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit records cannot be deleted');
END;

CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

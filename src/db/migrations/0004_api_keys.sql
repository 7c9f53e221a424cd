-- API keys of machines (Open311 clients) and the requests they send.
-- Times of keys are Unix seconds, like sessions; of cases, milliseconds.

-- A key is shown once when it is issued; only its BLAKE2b hash, keyed with
-- a subkey of the deployment key, is kept, so neither a copy of the
-- database nor one of its backups can be used to send requests.
CREATE TABLE api_keys (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	key_hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	created_by INTEGER REFERENCES users(id),
	last_used_at INTEGER,
	revoked_at INTEGER
);

-- The grid events that came through Open311 GeoReport v2: the key that
-- sent each one, the token given back, and the reporter's own words about
-- the place.  Contact details a client may send (name, e-mail, phone) are
-- not kept.
CREATE TABLE open311_requests (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	api_key_id INTEGER NOT NULL REFERENCES api_keys(id),
	token TEXT NOT NULL UNIQUE,
	address_string TEXT,
	media_url TEXT
);
CREATE INDEX open311_requests_key ON open311_requests(api_key_id);

-- Which sub-categories Open311 offers as services and lists publicly.
-- City-management parts and events concern things; social-governance
-- items (disputes, people in need, public order) concern people and are
-- reported through an account, so they are not offered by default.
ALTER TABLE event_categories ADD COLUMN open311 INTEGER NOT NULL DEFAULT 0;
UPDATE event_categories SET open311 = 1 WHERE kind IN ('part', 'event');

-- People and places (一标三实): buildings and standard addresses, houses,
-- households, residents with their tags and moves, units, door-to-door
-- visits, the version history of every change, and the full-text index.
-- Every row carries `code`, the code of the grid it lies in, so the data
-- scope is a range of codes exactly as for the tree.

CREATE TABLE buildings (
	id INTEGER PRIMARY KEY,
	grid_id INTEGER NOT NULL REFERENCES org(id),
	code TEXT NOT NULL,
	street TEXT NOT NULL,           -- 街路巷, or the village group (组)
	number TEXT NOT NULL,           -- 门牌号
	name TEXT NOT NULL DEFAULT '',  -- 楼栋, empty for a single house
	lon REAL,
	lat REAL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (grid_id, street, number, name)
);
CREATE INDEX buildings_code ON buildings(code, id);

-- A standard address: a building and, in a block of flats, unit and room.
CREATE TABLE addresses (
	id INTEGER PRIMARY KEY,
	building_id INTEGER NOT NULL REFERENCES buildings(id),
	code TEXT NOT NULL,
	unit TEXT NOT NULL DEFAULT '',  -- 单元
	room TEXT NOT NULL DEFAULT '',  -- 室
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (building_id, unit, room)
);
CREATE INDEX addresses_code ON addresses(code, id);

CREATE TABLE houses (
	id INTEGER PRIMARY KEY,
	address_id INTEGER NOT NULL UNIQUE REFERENCES addresses(id),
	code TEXT NOT NULL,
	area REAL,                      -- m²
	use TEXT NOT NULL,              -- residential, commercial, ...
	ownership TEXT NOT NULL,        -- private, public, collective, ...
	occupancy TEXT NOT NULL CHECK (occupancy IN ('owner_occupied', 'rented', 'vacant')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX houses_code ON houses(code, id);

-- Owners among the registered residents.
CREATE TABLE house_owners (
	house_id INTEGER NOT NULL REFERENCES houses(id),
	resident_id INTEGER NOT NULL REFERENCES residents(id),
	PRIMARY KEY (house_id, resident_id)
) WITHOUT ROWID;

CREATE TABLE households (
	id INTEGER PRIMARY KEY,
	address_id INTEGER NOT NULL REFERENCES addresses(id),
	code TEXT NOT NULL,
	number TEXT NOT NULL DEFAULT '', -- 户号 of the registration booklet
	head_id INTEGER,                 -- a resident of the household
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX households_code ON households(code, id);
CREATE INDEX households_address ON households(address_id);

-- Identity and phone numbers are stored only encrypted (*_enc, XChaCha20-
-- Poly1305 with a key from the key file), as a keyed hash for exact look-up
-- (*_blind) and in their masked display form (*_mask).
CREATE TABLE residents (
	id INTEGER PRIMARY KEY,
	household_id INTEGER REFERENCES households(id),
	address_id INTEGER REFERENCES addresses(id),
	relation TEXT NOT NULL DEFAULT 'self',
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
	birth_date TEXT NOT NULL,       -- YYYY-MM-DD
	id_type TEXT NOT NULL,
	id_enc BLOB NOT NULL,
	id_blind BLOB NOT NULL UNIQUE,
	id_mask TEXT NOT NULL,
	phone_enc BLOB,
	phone_blind BLOB,
	phone_mask TEXT,
	ethnicity TEXT NOT NULL,
	residence_type TEXT NOT NULL CHECK (residence_type IN ('registered', 'permanent', 'floating')),
	employment TEXT NOT NULL,
	moved_in_on TEXT,
	moved_out_on TEXT,
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved_out', 'deceased')),
	version INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX residents_code ON residents(code, id);
CREATE INDEX residents_stats ON residents(code, status, residence_type, birth_date);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_address ON residents(address_id);
CREATE INDEX residents_phone ON residents(phone_blind);

CREATE TABLE resident_tags (
	resident_id INTEGER NOT NULL REFERENCES residents(id),
	tag TEXT NOT NULL,
	attrs TEXT NOT NULL DEFAULT '{}', -- e.g. {"type":"physical","grade":2}
	since TEXT,
	PRIMARY KEY (resident_id, tag)
) WITHOUT ROWID;
CREATE INDEX resident_tags_tag ON resident_tags(tag, resident_id);

CREATE TABLE resident_moves (
	id INTEGER PRIMARY KEY,
	resident_id INTEGER NOT NULL REFERENCES residents(id),
	kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
	on_date TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',  -- where from or where to
	reason TEXT NOT NULL DEFAULT '',
	recorded_by INTEGER,
	recorded_at INTEGER NOT NULL
);
CREATE INDEX resident_moves_resident ON resident_moves(resident_id, id);

CREATE TABLE units (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	credit_code TEXT UNIQUE,        -- GB 32100 unified social credit code
	type TEXT NOT NULL,
	contact_name TEXT NOT NULL DEFAULT '',
	phone_enc BLOB,
	phone_blind BLOB,
	phone_mask TEXT,
	address_id INTEGER NOT NULL REFERENCES addresses(id),
	code TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX units_code ON units(code, id);

-- Door-to-door visits (走访) with their follow-ups.
CREATE TABLE visits (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES households(id),
	code TEXT NOT NULL,
	visited_on TEXT NOT NULL,
	visitor_id INTEGER NOT NULL REFERENCES users(id),
	notes TEXT NOT NULL,
	follow_up TEXT NOT NULL DEFAULT '',
	follow_up_done INTEGER NOT NULL DEFAULT 0,
	done_by INTEGER REFERENCES users(id), -- who closed the follow-up
	done_at INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, visited_on);
CREATE INDEX visits_code ON visits(code, visited_on);

-- Every change to the registry, field by field (sensitive values masked).
CREATE TABLE versions (
	id INTEGER PRIMARY KEY,
	entity TEXT NOT NULL,
	entity_id INTEGER NOT NULL,
	at_ms INTEGER NOT NULL,
	actor_id INTEGER,
	actor_name TEXT NOT NULL,
	changes TEXT NOT NULL            -- {"field": [old, new], ...}
);
CREATE INDEX versions_entity ON versions(entity, entity_id, id);

-- Names and addresses for substring search; rowid = id * 8 + kind
-- (1 resident, 2 address, 3 unit); the body ends with the scope tokens
-- '#<code prefix>' of its grid.
CREATE VIRTUAL TABLE search USING fts5(body, tokenize = 'grassroots');

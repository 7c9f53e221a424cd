-- The case engine (states, deadlines, assignment, timeline, inbox) and its
-- first user, grid events.  Times are Unix milliseconds (UTC).

-- Exceptions to the weekly rule of the working calendar: public holidays
-- and make-up working days (调休).  Filled from the schedule shipped in the
-- binary (npm chinese-days) and from `grassroots import calendar`.
CREATE TABLE calendar_days (
	day TEXT PRIMARY KEY, -- YYYY-MM-DD, China Standard Time
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Who handles cases: county departments, town offices, community
-- committees, property companies.  A unit belongs to a node of the tree;
-- its members are the accounts that accept and handle its cases.
CREATE TABLE handling_units (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL CHECK (kind IN ('department', 'town', 'community', 'property', 'other')),
	org_code TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	UNIQUE (org_code, name)
);

CREATE TABLE handling_unit_members (
	unit_id INTEGER NOT NULL REFERENCES handling_units(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (unit_id, user_id)
) WITHOUT ROWID;
CREATE INDEX handling_unit_members_user ON handling_unit_members(user_id);

-- One row per case of any kind.  `code` places the case in the tree (its
-- grid, or a higher node) and decides who may see it; `level_code` is the
-- command centre that owns it (a town's, or the county's after escalation).
-- `due_at_ms` is the deadline of the stage running now.
CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	code TEXT NOT NULL,
	level_code TEXT NOT NULL,
	title TEXT NOT NULL,
	created_at_ms INTEGER NOT NULL,
	created_by INTEGER REFERENCES users(id),
	unit_id INTEGER REFERENCES handling_units(id),
	assignee_id INTEGER REFERENCES users(id),
	dispatcher_id INTEGER REFERENCES users(id),
	stage TEXT,
	stage_started_ms INTEGER,
	warn_at_ms INTEGER,
	due_at_ms INTEGER,
	warned INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	parked_from TEXT,
	postpone_request TEXT, -- JSON {"hours"|"days", "reason", "by"} while pending
	reworks INTEGER NOT NULL DEFAULT 0,
	returns INTEGER NOT NULL DEFAULT 0,
	closed_at_ms INTEGER,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_scope ON cases(kind, code, id);
CREATE INDEX cases_state ON cases(kind, state, code);
CREATE INDEX cases_due ON cases(due_at_ms) WHERE due_at_ms IS NOT NULL;
CREATE INDEX cases_unit ON cases(unit_id, state);

-- Every transition, in order: who, when, from which state to which, why.
CREATE TABLE case_timeline (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	at_ms INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	actor_name TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	note TEXT,
	detail TEXT -- JSON
);
CREATE INDEX case_timeline_case ON case_timeline(case_id, id);

-- In-app notices: new assignments, returns, warnings, overdue, and status
-- changes of one's own reports.
CREATE TABLE inbox (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	case_id INTEGER NOT NULL REFERENCES cases(id),
	kind TEXT NOT NULL,
	at_ms INTEGER NOT NULL,
	read_at_ms INTEGER
);
CREATE INDEX inbox_user ON inbox(user_id, id);

-- Two-level event categories (大类/小类) with the time limit of each stage.
-- A limit is a number of working hours or working days.
CREATE TABLE event_categories (
	code TEXT PRIMARY KEY,
	parent_code TEXT REFERENCES event_categories(code),
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('part', 'event', 'social')),
	unit_id INTEGER REFERENCES handling_units(id), -- default handling unit
	register_limit INTEGER NOT NULL DEFAULT 1,
	register_unit TEXT NOT NULL DEFAULT 'hours' CHECK (register_unit IN ('hours', 'days')),
	dispatch_limit INTEGER NOT NULL DEFAULT 1,
	dispatch_unit TEXT NOT NULL DEFAULT 'hours' CHECK (dispatch_unit IN ('hours', 'days')),
	handle_limit INTEGER NOT NULL DEFAULT 3,
	handle_unit TEXT NOT NULL DEFAULT 'days' CHECK (handle_unit IN ('hours', 'days')),
	active INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- What an event adds to its case.
CREATE TABLE events (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	category_code TEXT NOT NULL REFERENCES event_categories(code),
	source TEXT NOT NULL CHECK (source IN ('patrol', 'resident', 'hotline', 'open311',
					       'instruction', 'self')),
	description TEXT NOT NULL,
	lat REAL,
	lon REAL,
	address_id INTEGER REFERENCES addresses(id),
	reporter_id INTEGER REFERENCES users(id),
	reported_at_ms INTEGER NOT NULL,
	registered_at_ms INTEGER,
	registered_on_time INTEGER,
	dispatched_at_ms INTEGER,
	handle_due_ms INTEGER,
	handled_at_ms INTEGER,
	feedback TEXT,
	closed_on_time INTEGER,
	closed_at_ms INTEGER, -- as cases.closed_at_ms, indexed with the other times
	score INTEGER CHECK (score BETWEEN 1 AND 5),
	score_comment TEXT,
	merged_into INTEGER REFERENCES cases(id),
	reopen_until_ms INTEGER
);
CREATE INDEX events_category ON events(category_code, reported_at_ms);
CREATE INDEX events_reporter ON events(reporter_id, case_id);
-- Metrics of a period read the events with any of their times in it, one
-- index per time (SQLite unions them), instead of scanning every event.
CREATE INDEX events_reported ON events(reported_at_ms);
CREATE INDEX events_registered ON events(registered_at_ms);
CREATE INDEX events_dispatched ON events(dispatched_at_ms);
CREATE INDEX events_due ON events(handle_due_ms);
CREATE INDEX events_handled ON events(handled_at_ms);
CREATE INDEX events_closed ON events(closed_at_ms);

-- The default catalogue: city-management parts (部件) and events (事件) after
-- GB/T 30428, and social-governance items.  Limits are working hours or days;
-- registration and dispatch within one working hour unless said otherwise.
INSERT INTO event_categories (code, parent_code, name, name_en, kind, handle_limit, handle_unit) VALUES
 ('01', NULL, '公用设施', 'Public utilities', 'part', 3, 'days'),
 ('0101', '01', '井盖破损缺失', 'Damaged or missing manhole cover', 'part', 4, 'hours'),
 ('0102', '01', '路灯故障', 'Street light out', 'part', 2, 'days'),
 ('0103', '01', '消防栓损坏', 'Damaged fire hydrant', 'part', 1, 'days'),
 ('02', NULL, '道路交通', 'Roads and traffic', 'part', 3, 'days'),
 ('0201', '02', '道路破损', 'Damaged road surface', 'part', 3, 'days'),
 ('0202', '02', '交通护栏损坏', 'Damaged traffic barrier', 'part', 2, 'days'),
 ('0203', '02', '交通信号灯故障', 'Traffic light fault', 'part', 4, 'hours'),
 ('03', NULL, '市容环境设施', 'Environment facilities', 'part', 2, 'days'),
 ('0301', '03', '垃圾箱破损', 'Damaged litter bin', 'part', 2, 'days'),
 ('0302', '03', '公厕设施损坏', 'Damaged public toilet', 'part', 1, 'days'),
 ('04', NULL, '园林绿化', 'Green space', 'part', 3, 'days'),
 ('0401', '04', '行道树倒伏', 'Fallen street tree', 'part', 4, 'hours'),
 ('0402', '04', '绿地破坏', 'Damaged green space', 'part', 5, 'days'),
 ('11', NULL, '市容环境', 'City appearance', 'event', 4, 'hours'),
 ('1101', '11', '暴露垃圾', 'Exposed rubbish', 'event', 4, 'hours'),
 ('1102', '11', '道路不洁', 'Unclean road', 'event', 2, 'hours'),
 ('1103', '11', '积水', 'Standing water', 'event', 4, 'hours'),
 ('1104', '11', '乱堆物料', 'Materials piled on the street', 'event', 1, 'days'),
 ('12', NULL, '宣传广告', 'Advertising', 'event', 1, 'days'),
 ('1201', '12', '非法小广告', 'Illegal flyers', 'event', 1, 'days'),
 ('1202', '12', '违规户外广告', 'Unauthorised outdoor advertising', 'event', 5, 'days'),
 ('13', NULL, '施工管理', 'Construction', 'event', 7, 'days'),
 ('1301', '13', '违法建设（制止）', 'Unauthorised building: stop the works', 'event', 4, 'hours'),
 ('1302', '13', '违法建设（处罚）', 'Unauthorised building: penalty', 'event', 7, 'days'),
 ('1303', '13', '违法建设（拆除）', 'Unauthorised building: demolition', 'event', 20, 'days'),
 ('1304', '13', '施工扰民', 'Construction noise', 'event', 1, 'days'),
 ('14', NULL, '街面秩序', 'Street order', 'event', 4, 'hours'),
 ('1401', '14', '占道经营', 'Street vending on the roadway', 'event', 4, 'hours'),
 ('1402', '14', '机动车乱停放', 'Illegal parking', 'event', 4, 'hours'),
 ('1403', '14', '共享单车乱停放', 'Shared bikes left in the way', 'event', 4, 'hours'),
 ('15', NULL, '突发事件', 'Emergencies', 'event', 2, 'hours'),
 ('1501', '15', '路面塌陷', 'Road collapse', 'event', 2, 'hours'),
 ('1502', '15', '管道破裂', 'Burst pipe', 'event', 2, 'hours'),
 ('21', NULL, '矛盾纠纷', 'Disputes', 'social', 3, 'days'),
 ('2101', '21', '邻里纠纷', 'Neighbour dispute', 'social', 3, 'days'),
 ('2102', '21', '婚姻家庭纠纷', 'Family dispute', 'social', 5, 'days'),
 ('2103', '21', '劳资纠纷', 'Wage dispute', 'social', 5, 'days'),
 ('22', NULL, '安全隐患', 'Safety hazards', 'social', 1, 'days'),
 ('2201', '22', '消防安全隐患', 'Fire hazard', 'social', 1, 'days'),
 ('2202', '22', '燃气安全隐患', 'Gas hazard', 'social', 4, 'hours'),
 ('2203', '22', '房屋安全隐患', 'Unsafe building', 'social', 2, 'days'),
 ('23', NULL, '特殊人群', 'Special groups', 'social', 2, 'days'),
 ('2301', '23', '独居老人求助', 'Elderly person living alone needs help', 'social', 1, 'days'),
 ('2302', '23', '困境儿童关爱', 'Child in difficulty', 'social', 2, 'days'),
 ('24', NULL, '社会治安', 'Public order', 'social', 1, 'days'),
 ('2401', '24', '治安问题', 'Public-order problem', 'social', 1, 'days'),
 ('25', NULL, '物业管理', 'Property matters', 'social', 3, 'days'),
 ('2501', '25', '物业服务问题', 'Property service problem', 'social', 3, 'days'),
 ('2502', '25', '电梯故障', 'Lift out of order', 'social', 1, 'days');

-- Photos of a report or of the handling, kept apart from the event rows
-- so that lists never read them.  The type is what the bytes are (JPEG or
-- PNG), whatever the upload claimed.
CREATE TABLE event_photos (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	stage TEXT NOT NULL CHECK (stage IN ('report', 'handle', 'verify')),
	type TEXT NOT NULL CHECK (type IN ('image/jpeg', 'image/png')),
	bytes INTEGER NOT NULL,
	data BLOB NOT NULL,
	created_by INTEGER REFERENCES users(id),
	created_at_ms INTEGER NOT NULL
);
CREATE INDEX event_photos_case ON event_photos(case_id, id);

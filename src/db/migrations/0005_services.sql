-- Refined services.  A resident's account is linked to the resident's
-- registry record, so what they apply for, book or ask is about themselves.
ALTER TABLE users ADD COLUMN resident_id INTEGER REFERENCES residents(id);
CREATE UNIQUE INDEX users_resident ON users(resident_id) WHERE resident_id IS NOT NULL;

-- The service catalogue: what residents may ask of their community, grouped
-- by the convenience scenarios of the plan.  Eligibility is a JSON object of
-- rules over registry facts, all of which must hold (see docs/services.md):
-- {"min_age":80, "max_age":60, "residence":["registered"], "gender":"female",
--  "tags_all":["disabled"], "tags_any":["subsistence","extreme_hardship"],
--  "disability_grade_max":2}.  Materials are a JSON array of {"zh","en"}.
CREATE TABLE service_items (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	scenario TEXT NOT NULL CHECK (scenario IN ('employment', 'elderly', 'disability',
		'medical', 'logistics', 'security', 'mediation', 'psychological', 'government')),
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	description_en TEXT NOT NULL DEFAULT '',
	eligibility TEXT NOT NULL DEFAULT '{}',
	materials TEXT NOT NULL DEFAULT '[]',
	legal_basis TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL CHECK (level IN ('community', 'town', 'county')),
	limit_days INTEGER NOT NULL CHECK (limit_days BETWEEN 1 AND 90),
	online INTEGER NOT NULL DEFAULT 1,   -- may be applied for on line
	bookable INTEGER NOT NULL DEFAULT 0, -- delivered by providers in time slots
	retired INTEGER NOT NULL DEFAULT 0,
	updated_at_ms INTEGER NOT NULL DEFAULT 0
);

-- An application is a case (kind "application"); this row holds what is
-- particular to it.  The case's code is the resident's grid at submission,
-- so the application is in the scope of whoever sees that grid.
CREATE TABLE service_applications (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id),
	item_id INTEGER NOT NULL REFERENCES service_items(id),
	resident_id INTEGER NOT NULL REFERENCES residents(id),
	channel TEXT NOT NULL CHECK (channel IN ('online', 'window')),
	details TEXT NOT NULL DEFAULT '',
	eligibility TEXT NOT NULL,        -- the check made at submission (JSON)
	outcome TEXT CHECK (outcome IN ('granted', 'refused')),
	result TEXT,
	rating INTEGER,
	comment TEXT
);
CREATE INDEX service_applications_resident ON service_applications(resident_id, case_id);
CREATE INDEX service_applications_item ON service_applications(item_id, case_id);

CREATE TABLE service_materials (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	data BLOB NOT NULL,
	added_by INTEGER REFERENCES users(id),
	added_at_ms INTEGER NOT NULL
);
CREATE INDEX service_materials_case ON service_materials(case_id);

-- Providers deliver bookable items in the areas (subtrees) they serve.
CREATE TABLE providers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('social_org', 'company', 'clinic', 'volunteer_team')),
	code TEXT NOT NULL,          -- the node it is registered at (scope)
	contact TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '', -- the provider's service phone, not a person's
	active INTEGER NOT NULL DEFAULT 1,
	created_at_ms INTEGER NOT NULL
);
CREATE INDEX providers_code ON providers(code, id);

CREATE TABLE provider_items (
	provider_id INTEGER NOT NULL REFERENCES providers(id),
	item_id INTEGER NOT NULL REFERENCES service_items(id),
	PRIMARY KEY (provider_id, item_id)
) WITHOUT ROWID;
CREATE INDEX provider_items_item ON provider_items(item_id, provider_id);

CREATE TABLE provider_areas (
	provider_id INTEGER NOT NULL REFERENCES providers(id),
	code TEXT NOT NULL,
	PRIMARY KEY (provider_id, code)
) WITHOUT ROWID;

-- A time slot holds `capacity` places; `booked` counts the live bookings
-- and never exceeds it (checked in the same statement that takes a place).
CREATE TABLE service_slots (
	id INTEGER PRIMARY KEY,
	provider_id INTEGER NOT NULL REFERENCES providers(id),
	item_id INTEGER NOT NULL REFERENCES service_items(id),
	starts_at_ms INTEGER NOT NULL,
	ends_at_ms INTEGER NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
	booked INTEGER NOT NULL DEFAULT 0,
	cancelled INTEGER NOT NULL DEFAULT 0,
	CHECK (booked BETWEEN 0 AND capacity),
	CHECK (ends_at_ms > starts_at_ms)
);
CREATE INDEX service_slots_provider ON service_slots(provider_id, starts_at_ms);
CREATE INDEX service_slots_item ON service_slots(item_id, starts_at_ms);

CREATE TABLE bookings (
	id INTEGER PRIMARY KEY,
	slot_id INTEGER NOT NULL REFERENCES service_slots(id),
	resident_id INTEGER NOT NULL REFERENCES residents(id),
	code TEXT NOT NULL,             -- the resident's grid (scope)
	booked_by INTEGER REFERENCES users(id),
	booked_at_ms INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'attended')),
	changed_at_ms INTEGER
);
CREATE UNIQUE INDEX bookings_once ON bookings(slot_id, resident_id) WHERE status <> 'cancelled';
CREATE INDEX bookings_resident ON bookings(resident_id, id);
CREATE INDEX bookings_slot ON bookings(slot_id, status);

-- The default catalogue (editable by holders of service.catalog).
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('employment.unemployment', 'employment', '失业登记', 'Unemployment registration', '在法定劳动年龄内、有劳动能力和就业要求的失业人员办理失业登记，享受公共就业服务。', 'Registration of an unemployed person of working age who can and wants to work, giving access to public employment services.', '{"min_age": 16, "max_age": 60}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "解除或终止劳动合同证明（如有）", "en": "Proof that the last employment ended (if any)"}]', '《就业服务与就业管理规定》', 'community', 1, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('employment.difficulty', 'employment', '就业困难人员认定', 'Recognition as a person with employment difficulty', '大龄、残疾、低保家庭等就业困难人员认定后，可享受就业援助和社保补贴。', 'Older, disabled or low-income job seekers recognised as having employment difficulty receive job assistance and social-insurance subsidies.', '{"min_age": 16, "max_age": 60}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "失业登记证明", "en": "Proof of unemployment registration"}]', '《就业促进法》第五十二条', 'town', 15, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('employment.job_fair', 'employment', '社区招聘会和职业指导', 'Community job fairs and career guidance', '就业指导员一对一职业指导，推荐岗位。', 'One-to-one career guidance and job referrals by an employment adviser.', '{"min_age": 16}', '[{"zh": "居民身份证", "en": "Resident identity card"}]', '《就业促进法》', 'community', 3, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('security.pension_enrol', 'employment', '城乡居民基本养老保险参保登记', 'Enrolment in the basic pension for urban and rural residents', '年满16周岁、不符合职工养老保险参保条件的居民参保登记。', 'Enrolment of residents aged 16 or over who are not covered by the employees'' pension scheme.', '{"min_age": 16, "residence": ["registered"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "户口簿", "en": "Household register"}]', '《社会保险法》第二十条', 'community', 5, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('security.medical_enrol', 'employment', '城乡居民基本医疗保险参保登记', 'Enrolment in basic medical insurance for urban and rural residents', '未参加职工医保的居民参保登记，含新生儿。', 'Enrolment of residents not covered by employees'' medical insurance, newborns included.', '{}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "户口簿", "en": "Household register"}]', '《社会保险法》第二十五条', 'community', 5, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('elderly.allowance80', 'elderly', '高龄津贴申领', 'Old-age allowance (80 and over)', '本地户籍年满80周岁老年人按月领取高龄津贴。', 'A monthly allowance for registered residents aged 80 or over.', '{"min_age": 80, "residence": ["registered"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "户口簿", "en": "Household register"}, {"zh": "本人银行卡", "en": "The applicant''s bank card"}]', '《浙江省老年人权益保障条例》', 'town', 20, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('elderly.meals', 'elderly', '老年助餐服务', 'Meal service for older people', '老年食堂堂食或送餐上门，按时段预约。', 'Meals at the community canteen or delivered at home, booked by time slot.', '{"min_age": 60}', '[{"zh": "居民身份证", "en": "Resident identity card"}]', '《浙江省社会养老服务促进条例》', 'community', 3, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('elderly.home_care', 'elderly', '居家养老上门服务', 'Home care visits', '助洁、助浴、助医等上门服务，由签约服务机构提供。', 'Cleaning, bathing and medical-escort visits by contracted providers.', '{"min_age": 70}', '[{"zh": "居民身份证", "en": "Resident identity card"}]', '《浙江省社会养老服务促进条例》', 'community', 5, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('elderly.care_subsidy', 'elderly', '困难老年人养老服务补贴', 'Care subsidy for older people in hardship', '低保、特困家庭中的老年人申请居家养老服务补贴。', 'A home-care subsidy for older people in subsistence-allowance or extreme-hardship households.', '{"min_age": 60, "tags_any": ["subsistence", "extreme_hardship"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "户口簿", "en": "Household register"}, {"zh": "低保或特困证明", "en": "Proof of subsistence allowance or extreme hardship"}]', '《老年人权益保障法》第三十条', 'town', 20, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('elderly.preference_card', 'elderly', '老年人优待证办理', 'Senior citizen''s preferential card', '年满60周岁老年人办理优待证，享受公共交通、景区等优待。', 'A card giving people aged 60 or over concessions on public transport, parks and museums.', '{"min_age": 60}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "近期一寸照片", "en": "A recent passport photo"}]', '《老年人权益保障法》第五十七条', 'town', 5, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('disability.certificate', 'disability', '残疾人证办理', 'Disability certificate', '经评定后核发中华人民共和国残疾人证。', 'Issue of the disability certificate after an assessment.', '{}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "户口簿", "en": "Household register"}, {"zh": "近期一寸照片", "en": "A recent passport photo"}, {"zh": "医院诊断证明", "en": "Hospital diagnosis"}]', '《残疾人保障法》', 'county', 20, 0, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('disability.living_subsidy', 'disability', '困难残疾人生活补贴', 'Living subsidy for disabled people in hardship', '低保家庭中的残疾人按月领取生活补贴。', 'A monthly subsidy for disabled people in subsistence-allowance households.', '{"tags_all": ["disabled"], "tags_any": ["subsistence", "extreme_hardship"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "残疾人证", "en": "Disability certificate"}]', '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）', 'town', 20, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('disability.nursing_subsidy', 'disability', '重度残疾人护理补贴', 'Nursing subsidy for severely disabled people', '残疾等级为一级、二级且需要长期照护的重度残疾人申领护理补贴。', 'A nursing subsidy for people with grade 1 or 2 disabilities who need long-term care.', '{"tags_all": ["disabled"], "disability_grade_max": 2}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "残疾人证", "en": "Disability certificate"}]', '国发〔2015〕52号', 'town', 20, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('disability.rehab', 'disability', '残疾人社区康复服务', 'Community rehabilitation for disabled people', '康复训练、辅具适配，按时段预约。', 'Rehabilitation exercises and assistive devices, booked by time slot.', '{"tags_all": ["disabled"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "残疾人证", "en": "Disability certificate"}]', '《残疾预防和残疾人康复条例》', 'community', 5, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('medical.family_doctor', 'medical', '家庭医生签约', 'Family doctor contract', '与社区卫生服务中心家庭医生团队签约，享受基本医疗和健康管理。', 'A contract with the family-doctor team of the community health centre.', '{}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "医保卡", "en": "Medical insurance card"}]', '《基本医疗卫生与健康促进法》第三十一条', 'community', 5, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('medical.checkup65', 'medical', '65岁以上老年人免费健康体检', 'Free health check for people aged 65 and over', '每年一次免费体检，按时段预约。', 'A free yearly health check, booked by time slot.', '{"min_age": 65}', '[{"zh": "居民身份证", "en": "Resident identity card"}]', '《国家基本公共卫生服务规范（第三版）》', 'community', 10, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('medical.chronic_followup', 'medical', '慢性病随访', 'Follow-up of chronic illness', '高血压、糖尿病患者的定期随访和用药指导。', 'Regular follow-up and medication advice for hypertension and diabetes.', '{"min_age": 35}', '[{"zh": "居民身份证", "en": "Resident identity card"}]', '《国家基本公共卫生服务规范（第三版）》', 'community', 10, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('logistics.groceries', 'logistics', '生活物资代购配送', 'Grocery shopping and delivery', '为独居、残疾居民代购生活物资并送货上门。', 'Shopping and home delivery for residents living alone or with disabilities.', '{"tags_any": ["living_alone", "disabled"]}', '[]', '', 'community', 2, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('logistics.repairs', 'logistics', '家电维修便民服务', 'Household repairs', '便民维修，按时段预约上门。', 'Repairs at home, booked by time slot.', '{}', '[]', '', 'community', 3, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('security.anti_fraud', 'security', '反诈宣传入户', 'Anti-fraud home visit', '民警、网格员上门讲解防范电信网络诈骗。', 'Police and grid workers explain at home how to avoid telecom and online fraud.', '{}', '[]', '《反电信网络诈骗法》', 'community', 5, 1, 1);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('security.residence_permit', 'security', '居住证申领', 'Residence permit', '在居住地居住半年以上的流动人口申领居住证。', 'A residence permit for people who have lived here for six months or more without local household registration.', '{"residence": ["floating"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "近期一寸照片", "en": "A recent passport photo"}, {"zh": "居住证明（租房合同等）", "en": "Proof of residence (tenancy contract etc.)"}]', '《居住证暂行条例》', 'county', 15, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('mediation.apply', 'mediation', '申请人民调解', 'Apply for people''s mediation', '邻里、婚姻家庭、物业等纠纷申请人民调解委员会调解，不收费。', 'Ask the people''s mediation committee to mediate a dispute (neighbours, family, property …); free of charge.', '{}', '[{"zh": "居民身份证", "en": "Resident identity card"}]', '《人民调解法》', 'community', 3, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('psychological.help', 'psychological', '心理援助', 'Psychological assistance', '心理咨询师一对一保密援助；紧急情况请拨打12356或120、110。', 'Confidential one-to-one help from a counsellor; in an emergency call 12356, or 120 or 110.', '{}', '[]', '《精神卫生法》', 'county', 3, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('government.subsistence', 'government', '最低生活保障申请', 'Subsistence allowance (低保)', '家庭人均收入低于当地低保标准的本地户籍家庭申请最低生活保障。', 'For registered households whose income per head is below the local subsistence line.', '{"residence": ["registered"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "户口簿", "en": "Household register"}, {"zh": "家庭收入和财产状况申报", "en": "Declaration of household income and property"}]', '《社会救助暂行办法》', 'county', 30, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('government.temporary_relief', 'government', '临时救助申请', 'Temporary relief', '因突发事件、意外伤害等导致基本生活暂时困难的家庭申请临时救助。', 'For households in temporary hardship after an emergency, accident or serious illness.', '{}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "困难情况说明", "en": "Statement of the hardship"}]', '《社会救助暂行办法》第四十七条', 'town', 15, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('government.birth_registration', 'government', '生育登记服务', 'Birth registration service', '生育登记及相关政策咨询。', 'Registration of a birth and advice on the related policies.', '{}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "结婚证", "en": "Marriage certificate"}]', '《人口与计划生育法》', 'community', 1, 1, 0);
INSERT INTO service_items (code, scenario, name, name_en, description, description_en, eligibility, materials, legal_basis, level, limit_days, online, bookable) VALUES ('government.veteran_care', 'government', '退役军人优抚服务', 'Care of veterans', '退役军人及其家属的优待抚恤、帮扶援助。', 'Preferential treatment, pensions and assistance for veterans and their families.', '{"tags_all": ["veteran"]}', '[{"zh": "居民身份证", "en": "Resident identity card"}, {"zh": "退役证件", "en": "Discharge certificate"}]', '《退役军人保障法》', 'county', 20, 1, 0);

-- Rules that turn registry facts into needs (精准对接): the conditions use
-- the eligibility format; a need is served through its item (a booking or
-- an application granted), and a visit rule asks for a door-to-door visit to
-- the household every visit_days.
CREATE TABLE need_rules (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL,
	conditions TEXT NOT NULL,
	item_id INTEGER REFERENCES service_items(id),
	visit_days INTEGER CHECK (visit_days BETWEEN 1 AND 366),
	active INTEGER NOT NULL DEFAULT 1,
	CHECK (item_id IS NOT NULL OR visit_days IS NOT NULL)
);
INSERT INTO need_rules (code, name, name_en, conditions, item_id, visit_days) VALUES
	('elderly_alone', '80岁以上独居老人', 'Living alone, aged 80 or over',
	 '{"min_age":80,"tags_all":["living_alone"]}',
	 (SELECT id FROM service_items WHERE code = 'elderly.home_care'), 7),
	('elderly_meals', '75岁以上独居或特困老人助餐', 'Meals for people aged 75 or over living alone or in extreme hardship',
	 '{"min_age":75,"tags_any":["living_alone","extreme_hardship"]}',
	 (SELECT id FROM service_items WHERE code = 'elderly.meals'), NULL),
	('disabled_rehab', '残疾人康复', 'Rehabilitation of disabled people',
	 '{"tags_all":["disabled"]}',
	 (SELECT id FROM service_items WHERE code = 'disability.rehab'), 30),
	('left_behind_child', '留守儿童关爱', 'Care of left-behind children',
	 '{"tags_all":["left_behind_child"]}', NULL, 30),
	('hardship_visits', '低保特困家庭走访', 'Visits to households on subsistence or in extreme hardship',
	 '{"tags_any":["subsistence","extreme_hardship"]}', NULL, 30),
	('checkup65', '65岁以上老人健康体检', 'Health checks of people aged 65 or over',
	 '{"min_age":65}', (SELECT id FROM service_items WHERE code = 'medical.checkup65'), NULL);

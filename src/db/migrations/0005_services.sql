-- Refined services.  A resident's account is linked to the resident's
-- registry record, so what they apply for, book or ask is about themselves.
ALTER TABLE users ADD COLUMN resident_id INTEGER REFERENCES residents(id);
CREATE UNIQUE INDEX users_resident ON users(resident_id) WHERE resident_id IS NOT NULL;

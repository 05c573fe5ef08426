-- The interviewer directory (who interviews, their profiles, hours, time off, tracks and training,
-- and the competencies) is read by every booking and every booking page. Each process keeps a
-- copy, tagged with this version, and reads the directory again only when the version moved.
-- Triggers bump it in the same transaction as any change to what the directory holds, so no
-- write path can forget to, and a copy is never used after the change it misses has committed.
CREATE TABLE interviewer_directory_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO interviewer_directory_version (id, version) VALUES (1, 1);

CREATE TRIGGER interviewer_profiles_directory_insert AFTER INSERT ON interviewer_profiles BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_profiles_directory_update AFTER UPDATE ON interviewer_profiles BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_profiles_directory_delete AFTER DELETE ON interviewer_profiles BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_hours_directory_insert AFTER INSERT ON interviewer_hours BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_hours_directory_update AFTER UPDATE ON interviewer_hours BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_hours_directory_delete AFTER DELETE ON interviewer_hours BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_time_off_directory_insert AFTER INSERT ON interviewer_time_off BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_time_off_directory_update AFTER UPDATE ON interviewer_time_off BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_time_off_directory_delete AFTER DELETE ON interviewer_time_off BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_tracks_directory_insert AFTER INSERT ON interviewer_tracks BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_tracks_directory_update AFTER UPDATE ON interviewer_tracks BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_tracks_directory_delete AFTER DELETE ON interviewer_tracks BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_competencies_directory_insert AFTER INSERT ON interviewer_competencies BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_competencies_directory_update AFTER UPDATE ON interviewer_competencies BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER interviewer_competencies_directory_delete AFTER DELETE ON interviewer_competencies BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER competencies_directory_insert AFTER INSERT ON competencies BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER competencies_directory_update AFTER UPDATE ON competencies BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER competencies_directory_delete AFTER DELETE ON competencies BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
-- Only the Interviewer role: every sign-up gives a candidate a role, and those must not throw
-- the copies away.
CREATE TRIGGER user_roles_directory_insert AFTER INSERT ON user_roles WHEN NEW.role = 'interviewer' BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER user_roles_directory_update AFTER UPDATE ON user_roles WHEN OLD.role = 'interviewer' OR NEW.role = 'interviewer' BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER user_roles_directory_delete AFTER DELETE ON user_roles WHEN OLD.role = 'interviewer' BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;
-- Only the columns the directory shows: a sign-in or a password change moves nothing.
CREATE TRIGGER users_directory_update AFTER UPDATE OF display_name, email, deactivated_at ON users BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
END;

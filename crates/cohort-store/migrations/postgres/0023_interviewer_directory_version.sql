-- The interviewer directory (who interviews, their profiles, hours, time off, tracks and training,
-- and the competencies) is read by every booking and every booking page. Each web node keeps a
-- copy, tagged with this version, and reads the directory again only when the version moved.
-- Triggers bump it in the same transaction as any change to what the directory holds, so no
-- write path can forget to, and a copy is never used after the change it misses has committed.
CREATE TABLE interviewer_directory_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO interviewer_directory_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_interviewer_directory() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE interviewer_directory_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER interviewer_profiles_directory AFTER INSERT OR UPDATE OR DELETE ON interviewer_profiles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER interviewer_hours_directory AFTER INSERT OR UPDATE OR DELETE ON interviewer_hours
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER interviewer_time_off_directory AFTER INSERT OR UPDATE OR DELETE ON interviewer_time_off
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER interviewer_tracks_directory AFTER INSERT OR UPDATE OR DELETE ON interviewer_tracks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER interviewer_competencies_directory AFTER INSERT OR UPDATE OR DELETE ON interviewer_competencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER competencies_directory AFTER INSERT OR UPDATE OR DELETE ON competencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();
-- Only the Interviewer role: every sign-up gives a candidate a role, and those must neither wait
-- for one another on the version's row nor throw the copies away.
CREATE TRIGGER user_roles_directory_insert AFTER INSERT ON user_roles
    FOR EACH ROW WHEN (NEW.role = 'interviewer') EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER user_roles_directory_update AFTER UPDATE ON user_roles
    FOR EACH ROW WHEN (OLD.role = 'interviewer' OR NEW.role = 'interviewer') EXECUTE FUNCTION bump_interviewer_directory();
CREATE TRIGGER user_roles_directory_delete AFTER DELETE ON user_roles
    FOR EACH ROW WHEN (OLD.role = 'interviewer') EXECUTE FUNCTION bump_interviewer_directory();
-- Only the columns the directory shows: a sign-in or a password change moves nothing.
CREATE TRIGGER users_directory AFTER UPDATE OF display_name, email, deactivated_at ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_interviewer_directory();

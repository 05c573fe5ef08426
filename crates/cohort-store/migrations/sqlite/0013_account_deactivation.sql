-- An administrator can deactivate an account (a colleague who left) and reactivate it. A
-- deactivated account cannot sign in; its sessions and API tokens end when it is deactivated.
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;

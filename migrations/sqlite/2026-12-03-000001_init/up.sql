-- Deskfolio schema (SQLite). Same tables and rules as migrations/postgres.
-- A tenant is a user: its username is its subdomain. Every tenant-scoped table carries tenant_id.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL CHECK (username = lower(username) AND length(username) BETWEEN 3 AND 30),
    email TEXT CHECK (email IS NULL OR email = lower(email)),
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'admin')),
    plan TEXT NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'premium')),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sessions_token_key ON sessions (token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_tenant_idx ON sessions (tenant_id);

CREATE TABLE settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    value TEXT NOT NULL
);
CREATE UNIQUE INDEX settings_tenant_key ON settings (tenant_id, key);

CREATE TABLE uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX uploads_storage_key ON uploads (storage_key);

-- Folders and files in one table: one namespace per folder. name_key is the NFC, lower-cased
-- name; the partial unique index makes clashes impossible among live (not trashed) nodes.
-- The composite foreign keys keep a node's parent and upload inside its own tenant.
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'file')),
    name TEXT NOT NULL CHECK (length(name) <= 255),
    name_key TEXT NOT NULL,
    content TEXT,
    upload_id INTEGER,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES nodes (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, upload_id) REFERENCES uploads (tenant_id, id),
    CHECK ((parent_id IS NULL AND kind = 'folder' AND name = '') OR (parent_id IS NOT NULL AND name <> '')),
    CHECK (kind = 'file' OR (content IS NULL AND upload_id IS NULL))
);
CREATE UNIQUE INDEX nodes_one_root ON nodes (tenant_id) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX nodes_unique_name ON nodes (tenant_id, parent_id, name_key) WHERE deleted_at IS NULL;
CREATE INDEX nodes_parent_idx ON nodes (tenant_id, parent_id);
CREATE INDEX nodes_trash_idx ON nodes (tenant_id, deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE memories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX memories_tenant_idx ON memories (tenant_id, active);

CREATE TABLE memory_keywords (
    tenant_id INTEGER NOT NULL,
    memory_id INTEGER NOT NULL,
    keyword TEXT NOT NULL CHECK (keyword = lower(keyword) AND length(keyword) BETWEEN 1 AND 64),
    PRIMARY KEY (memory_id, keyword),
    FOREIGN KEY (tenant_id, memory_id) REFERENCES memories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX memory_keywords_lookup ON memory_keywords (tenant_id, keyword);

CREATE TABLE ai_personalities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    tone TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    system_prompt TEXT NOT NULL,
    greeting TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX ai_personalities_one_active ON ai_personalities (tenant_id) WHERE active;
CREATE INDEX ai_personalities_tenant_idx ON ai_personalities (tenant_id);

CREATE TABLE contact_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sender_name TEXT NOT NULL,
    sender_email TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX contact_messages_tenant_idx ON contact_messages (tenant_id, created_at);

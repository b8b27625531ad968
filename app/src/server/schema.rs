//! Diesel table definitions, written to match both `migrations/` folders.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Nullable<Text>,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        plan -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    settings (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    uploads (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        storage_key -> Text,
        mime -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        original_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    nodes (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        kind -> Text,
        name -> Text,
        name_key -> Text,
        content -> Nullable<Text>,
        upload_id -> Nullable<BigInt>,
        size_bytes -> BigInt,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    memories (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        title -> Text,
        content -> Text,
        priority -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    memory_keywords (memory_id, keyword) {
        tenant_id -> BigInt,
        memory_id -> BigInt,
        keyword -> Text,
    }
}

diesel::table! {
    ai_personalities (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        description -> Text,
        tone -> Text,
        language -> Text,
        system_prompt -> Text,
        greeting -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contact_messages (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        sender_name -> Text,
        sender_email -> Text,
        body -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    settings,
    uploads,
    nodes,
    memories,
    memory_keywords,
    ai_personalities,
    contact_messages,
);

//! The blog's Diesel schema (the same on SQLite, PostgreSQL and MariaDB).

diesel::table! {
    person (id) {
        id -> Integer,
        name -> Text,
        age -> Nullable<Integer>,
        birthday -> Nullable<Date>,
        created_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
        body -> Nullable<Text>,
        rating -> Nullable<Double>,
        published_at -> Nullable<Timestamp>,
        author_id -> Nullable<Integer>,
    }
}

diesel::table! {
    comment (id) {
        id -> Integer,
        content -> Text,
        article_id -> Nullable<Integer>,
        author_id -> Nullable<Integer>,
    }
}

diesel::table! {
    tag (id) {
        id -> Integer,
        name -> Text,
    }
}

diesel::table! {
    article_tag (article_id, tag_id) {
        article_id -> Integer,
        tag_id -> Integer,
    }
}

diesel::joinable!(article -> person (author_id));
diesel::joinable!(comment -> article (article_id));
diesel::joinable!(comment -> person (author_id));
diesel::joinable!(article_tag -> article (article_id));
diesel::joinable!(article_tag -> tag (tag_id));
diesel::allow_tables_to_appear_in_same_query!(person, article, comment, tag, article_tag);

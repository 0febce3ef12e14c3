diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
        author_id -> Nullable<Integer>,
    }
}

diesel::table! {
    tag (id) {
        id -> Integer,
    }
}

diesel::table! {
    article_tag (article_id, tag_id) {
        article_id -> Integer,
        tag_id -> Integer,
    }
}

#[derive(restless::JsonApiResource)]
#[diesel(table_name = tag)]
struct Tag {
    id: i32,
}

#[derive(restless::JsonApiResource)]
#[diesel(table_name = article)]
#[jsonapi(to_many(name = "tags", target = Tag, local = article_tag::article_id, remote = tag::id))]
struct Article {
    id: i32,
    title: String,
}
fn main() {}

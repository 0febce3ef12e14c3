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
#[diesel(table_name = article)]
#[jsonapi(to_many(name = "similar", target = Article, through = article_tag))]
struct Article {
    id: i32,
    title: String,
}
fn main() {}

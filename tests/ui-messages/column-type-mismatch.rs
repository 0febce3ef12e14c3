diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
        author_id -> Nullable<Integer>,
    }
}

#[derive(restless::JsonApiResource)]
#[diesel(table_name = article)]
struct Article {
    id: i32,
    title: i64,
}
fn main() {}

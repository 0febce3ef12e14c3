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
    title: String,
    #[jsonapi(to_one = "author", target = String)]
    author_id: Option<i32>,
}
fn main() {}

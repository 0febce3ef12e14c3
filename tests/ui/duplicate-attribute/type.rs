diesel::table! {
    article (id) {
        id -> Integer,
        title -> Text,
        author_id -> Nullable<Integer>,
    }
}

#[derive(restless::JsonApiResource)]
#[diesel(table_name = article)]
#[jsonapi(type = "article", type = "post")]
struct Article {
    id: i32,
    title: String,
}
fn main() {}

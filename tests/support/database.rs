//! Databases of a test's own on the server `RESTLESS_TEST_DATABASE_URL` names: shared by the
//! integration suite and the browser test.

/// Creates (anew) the database named like `url`'s with `suffix`, and returns its URL.
pub(crate) fn create_database(url: &str, suffix: &str) -> String {
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(unused_variables, reason = "used by the drivers' branches")
    )]
    let (server, name) = url
        .rsplit_once('/')
        .expect("a database URL ends with /name");
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(unused_variables, reason = "used by the drivers' branches")
    )]
    let (name, options) = match name.split_once('?') {
        Some((name, options)) => (name, format!("?{options}")),
        None => (name, String::new()),
    };
    let target = format!("{name}{suffix}");
    assert!(
        target
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
        "database name {target}"
    );
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        use diesel::connection::SimpleConnection as _;
        use diesel::Connection as _;
        let mut conn = diesel::PgConnection::establish(url).expect("PostgreSQL");
        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {target}"))
            .expect("drop");
        conn.batch_execute(&format!("CREATE DATABASE {target}"))
            .expect("create");
        return format!("{server}/{target}{options}");
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        use diesel::connection::SimpleConnection as _;
        use diesel::Connection as _;
        let mut conn = diesel::MysqlConnection::establish(url).expect("MariaDB");
        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {target}"))
            .expect("drop");
        // The server's default charset and collation, as users' databases have.
        conn.batch_execute(&format!("CREATE DATABASE {target}"))
            .expect("create");
        return format!("{server}/{target}{options}");
    }
    panic!("{url}: this test build has no driver for it (features postgres, mysql)");
}

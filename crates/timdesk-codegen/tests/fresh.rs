//! The generated files match the models: edit a model, run `cargo run -p
//! timdesk-codegen`, commit both.

#[test]
fn generated_files_are_fresh() {
    let stale = timdesk_codegen::run(&timdesk_codegen::repo_root(), true).unwrap();
    assert!(
        stale.is_empty(),
        "stale: {stale:?}: run `cargo run -p timdesk-codegen`"
    );
}

#[test]
fn every_model_loads_and_names_its_file() {
    let endpoints = timdesk_codegen::load(&timdesk_codegen::repo_root().join("models")).unwrap();
    let names: Vec<&str> = endpoints.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "contact_user",
            "describe_chat_messages",
            "describe_im_cdr_list",
            "end_queuing",
            "end_session",
            "get_session_state",
            "modify_msg",
            "recentcontact_delete",
            "send_msg",
            "send_stream_msg",
            "transfer_to_human",
        ]
    );
}

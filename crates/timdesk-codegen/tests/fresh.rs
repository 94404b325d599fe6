//! The generated files match the models: edit a model, run `cargo run -p
//! timdesk-codegen`, commit both.

use timdesk_codegen::{generated_c_functions, load, repo_root, run};

#[test]
fn generated_files_are_fresh() {
    let stale = run(&repo_root(), true).unwrap();
    assert!(
        stale.is_empty(),
        "stale: {stale:?}: run `cargo run -p timdesk-codegen`"
    );
}

/// With `generated_files_are_fresh`, the core's `timdesk::model::ENDPOINTS` (rendered from
/// what `load` reads) then holds every model file.
#[test]
fn the_generator_reads_every_model_file() {
    let dir = repo_root().join("models");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|x| x.to_str()) {
            Some("json") => files.push(path.file_stem().unwrap().to_string_lossy().into_owned()),
            _ if name == "README.md" || name == "library" => {}
            _ => panic!(
                "models/{name} is neither a model (NAME.json) nor README.md or library/: the generator would skip it"
            ),
        }
    }
    files.sort();
    let loaded: Vec<String> = load(&dir).unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(loaded, files);
}

/// The exported-symbols list stays a deliberate ABI review: a new generated C function
/// fails here, naming the line to add, before the C suites' symbol check runs.
#[test]
fn the_symbols_list_names_every_generated_c_function() {
    let list_path = "bindings/c/abi/libtimdesk.symbols";
    let list = std::fs::read_to_string(repo_root().join(list_path)).unwrap();
    let functions = generated_c_functions(&repo_root()).unwrap();
    assert!(functions.len() > 10, "found {functions:?}");
    let missing: Vec<&String> = functions
        .iter()
        .filter(|name| !list.lines().any(|line| line == name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{list_path} lacks the line(s) {missing:?} (keep it sorted; an export is an ABI change to review)"
    );
}

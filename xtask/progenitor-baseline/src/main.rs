//! `progenitor-baseline SPEC OUT [--runs N]`: the progenitor side of
//! `cargo xtask bench`.
//!
//! Reads an OpenAPI 3.0 document (the normalised Misskey spec with the
//! adjustments `cargo xtask bench` makes so progenitor accepts it), generates
//! a client with progenitor's default settings and pretty-prints it the way
//! progenitor's documentation shows for `build.rs` (`syn::parse2` and
//! `prettyplease::unparse`). The whole step (JSON parsing, generation,
//! formatting) is timed `N` times; each run prints `generated in N ms`, and the
//! source of the last run is written to `OUT`.
//!
//! It is a separate binary so that the xtask does not pull in progenitor's
//! dependency tree.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec_path, out_path, runs) = match args.as_slice() {
        [spec, out] => (spec, out, 1),
        [spec, out, flag, n] if flag == "--runs" => {
            let n: usize = n
                .parse()
                .map_err(|_| format!("`--runs` needs a number, not `{n}`"))?;
            (spec, out, n.max(1))
        }
        _ => return Err("usage: progenitor-baseline SPEC.json OUT.rs [--runs N]".into()),
    };
    let text = std::fs::read_to_string(spec_path).map_err(|e| format!("{spec_path}: {e}"))?;
    let mut source = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        source = generate(&text)?;
        println!("generated in {} ms", started.elapsed().as_millis());
    }
    std::fs::write(out_path, source).map_err(|e| format!("{out_path}: {e}"))?;
    Ok(())
}

/// Spec text in, formatted Rust out.
fn generate(text: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(text).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mut generator =
        progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default());
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

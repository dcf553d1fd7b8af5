//! Converts annotation files between Glossa JSON, W3C Web Annotation, Label Studio, doccano,
//! spaCy/Prodigy, brat and CoNLL, exactly to the character.

use glossa_core::formats::{self, ExportOptions, Format, InputFile, Nesting};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: glossa-convert --from FORMAT --to FORMAT INPUT [-o OUTPUT]
         [--text FILE] [--nesting outermost|innermost] [--quiet]

formats: glossa, w3c, label-studio, doccano, spacy, brat, conll (--from also takes auto)
  brat input:  a .ann file whose .txt sits beside it, a folder of them, or a .zip
  brat output: -o NAME.ann writes NAME.ann and NAME.txt (one document),
               -o FOLDER writes one pair per document, -o NAME.zip one archive
  --text FILE  the text W3C annotations point at, when the file does not carry it
  --nesting    how CoNLL flattens nested spans (default outermost)
Without -o the output goes to standard output. Warnings about what the output
format cannot hold go to standard error.";

struct Args {
    from: Option<Format>,
    to: Format,
    input: PathBuf,
    output: Option<PathBuf>,
    text: Option<PathBuf>,
    nesting: Nesting,
    quiet: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut from, mut to, mut input, mut output, mut text) = (None, None, None, None, None);
    let mut nesting = Nesting::Outermost;
    let mut quiet = false;
    let mut it = args.iter();
    let format = |v: Option<&String>, flag: &str| -> Result<Option<Format>, String> {
        let v = v.ok_or(format!("{flag} needs a format"))?;
        if flag == "--from" && v == "auto" {
            return Ok(None);
        }
        Format::from_name(v)
            .map(Some)
            .ok_or(format!("{flag}: unknown format {v:?}"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from" | "-f" => from = Some(format(it.next(), "--from")?),
            "--to" | "-t" => to = format(it.next(), "--to")?,
            "-o" | "--output" => output = Some(PathBuf::from(it.next().ok_or("-o needs a path")?)),
            "--text" => text = Some(PathBuf::from(it.next().ok_or("--text needs a file")?)),
            "--nesting" => {
                nesting = match it.next().map(String::as_str) {
                    Some("outermost" | "outer") => Nesting::Outermost,
                    Some("innermost" | "inner") => Nesting::Innermost,
                    _ => return Err("--nesting takes outermost or innermost".into()),
                }
            }
            "-q" | "--quiet" => quiet = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            s => {
                if input.replace(PathBuf::from(s)).is_some() {
                    return Err("give one input file".into());
                }
            }
        }
    }
    Ok(Args {
        from: from.ok_or("--from is required (a format or auto)")?,
        to: to.ok_or("--to is required")?,
        input: input.ok_or("an input file is required")?,
        output,
        text,
        nesting,
        quiet,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The files an import needs: brat's `.txt` beside each `.ann`, W3C's `--text`.
fn inputs(args: &Args, format: Format) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    if format == Format::Brat {
        let anns: Vec<PathBuf> = if args.input.is_dir() {
            let mut list: Vec<PathBuf> = std::fs::read_dir(&args.input)
                .map_err(|e| format!("{}: {e}", args.input.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "ann"))
                .collect();
            list.sort();
            list
        } else if args.input.extension().is_some_and(|x| x == "zip") {
            files.push((args.input.display().to_string(), read(&args.input)?));
            return Ok(files);
        } else {
            vec![args.input.clone()]
        };
        for ann in anns {
            let txt = ann.with_extension("txt");
            files.push((txt.display().to_string(), read(&txt)?));
            files.push((ann.display().to_string(), read(&ann)?));
        }
        return Ok(files);
    }
    files.push((args.input.display().to_string(), read(&args.input)?));
    if let Some(t) = &args.text {
        let mut name = t.display().to_string();
        if !name.ends_with(".txt") {
            name.push_str(".txt");
        }
        files.push((name, read(t)?));
    }
    Ok(files)
}

fn run(args: &Args) -> Result<(), String> {
    let from = match args.from {
        Some(f) => f,
        None if args.input.is_dir() => Format::Brat,
        None => {
            let bytes = read(&args.input)?;
            formats::detect(&args.input.display().to_string(), &bytes)
                .map_err(|e| format!("{e}; name it with --from"))?
        }
    };
    let files = inputs(args, from)?;
    let given: Vec<InputFile> = files
        .iter()
        .map(|(name, contents)| InputFile { name, contents })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let imported = formats::import(from, &given, now).map_err(|e| e.to_string())?;
    let options = ExportOptions {
        nesting: args.nesting,
    };
    let exported =
        formats::export(args.to, &imported.documents, &options).map_err(|e| e.to_string())?;
    if !args.quiet {
        for w in imported.warnings.iter() {
            eprintln!("warning (reading {from}): {w}");
        }
        for w in exported.warnings.iter() {
            eprintln!("warning (writing {}): {w}", args.to);
        }
    }
    if let Some(out) = args
        .output
        .as_ref()
        .filter(|o| o.extension().is_some_and(|x| x == "zip"))
    {
        return std::fs::write(out, exported.zip()).map_err(|e| format!("{}: {e}", out.display()));
    }
    write(args, exported.files)
}

fn write(args: &Args, files: Vec<formats::OutputFile>) -> Result<(), String> {
    let save = |path: &Path, contents: &str| {
        std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
    };
    match (&args.output, files.as_slice()) {
        (None, [one]) => {
            print!("{}", one.contents);
            Ok(())
        }
        (None, _) => Err(
            "this output is several files: give -o FOLDER or -o NAME.zip (or -o NAME.ann for one brat document)"
                .into(),
        ),
        (Some(out), [one]) => save(out, &one.contents),
        (Some(out), [txt, ann])
            if args.to == Format::Brat && out.extension().is_some_and(|x| x == "ann") =>
        {
            save(&out.with_extension("txt"), &txt.contents)?;
            save(out, &ann.contents)
        }
        (Some(dir), many) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for f in many {
                save(&dir.join(&f.name), &f.contents)?;
            }
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("glossa-convert: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("glossa-convert: {e}");
            ExitCode::FAILURE
        }
    }
}

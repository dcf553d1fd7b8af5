//! Zip archives, for brat corpora: a folder of `.txt` + `.ann` pairs travels as one `.zip`.
//! Writing stores the files uncompressed (text compresses on the wire anyway, and a stored zip
//! needs no compressor); reading takes stored and deflated entries, which is what zip tools
//! write. ZIP64 and encrypted archives are refused with a message.

use super::{FormatError, OutputFile};

/// CRC-32 (IEEE), as zip checks each entry.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |c, &b| {
        TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// 1 January 2000, 00:00, in MS-DOS form: the archive does not depend on the clock, so the
/// same documents always give the same bytes.
const DOS_DATE: u16 = (20 << 9) | (1 << 5) | 1;
/// Bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

/// One archive holding `files`, uncompressed.
pub fn write(files: &[OutputFile]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    let put16 = |v: &mut Vec<u8>, n: u16| v.extend_from_slice(&n.to_le_bytes());
    let put32 = |v: &mut Vec<u8>, n: u32| v.extend_from_slice(&n.to_le_bytes());
    for file in files {
        let (name, data) = (file.name.as_bytes(), file.contents.as_bytes());
        let (crc, size, offset) = (crc32(data), data.len() as u32, out.len() as u32);
        // Local header: signature, version 2.0, flags, stored, time, date, crc, sizes, name.
        put32(&mut out, 0x0403_4b50);
        for n in [20, UTF8_NAMES, 0, 0, DOS_DATE] {
            put16(&mut out, n);
        }
        for n in [crc, size, size] {
            put32(&mut out, n);
        }
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        // Its line in the central directory.
        put32(&mut directory, 0x0201_4b50);
        for n in [20, 20, UTF8_NAMES, 0, 0, DOS_DATE] {
            put16(&mut directory, n);
        }
        for n in [crc, size, size] {
            put32(&mut directory, n);
        }
        for n in [name.len() as u16, 0, 0, 0, 0] {
            put16(&mut directory, n);
        }
        put32(&mut directory, 0);
        put32(&mut directory, offset);
        directory.extend_from_slice(name);
    }
    let (directory_at, directory_len) = (out.len() as u32, directory.len() as u32);
    out.extend_from_slice(&directory);
    put32(&mut out, 0x0605_4b50);
    for n in [0, 0, files.len() as u16, files.len() as u16] {
        put16(&mut out, n);
    }
    put32(&mut out, directory_len);
    put32(&mut out, directory_at);
    put16(&mut out, 0);
    out
}

/// The largest entry read: a few books' worth of text, far below what would exhaust memory.
const MAX_ENTRY: usize = 256 << 20;

/// True when `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The files in an archive, in its order: name (with its folders) and bytes. Folders and
/// macOS resource forks (`__MACOSX/`) are left out. `archive` names the zip in messages.
pub fn read(archive: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, FormatError> {
    let bad = |problem: String| FormatError::invalid(archive, problem);
    let u16_at = |at: usize| -> Result<usize, FormatError> {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
            .ok_or_else(|| bad(format!("cut short at byte {at}")))
    };
    let u32_at = |at: usize| -> Result<usize, FormatError> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| bad(format!("cut short at byte {at}")))
    };
    // The end record is in the last 64 KB + 22 bytes (its comment is at most 64 KB).
    let earliest = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = (earliest..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| bad("not a zip archive (no end of central directory)".into()))?;
    let count = u16_at(end + 10)?;
    let mut at = u32_at(end + 16)?;
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err(bad("ZIP64 archives are not supported".into()));
    }
    if at > end {
        return Err(bad("broken central directory".into()));
    }
    let mut files = Vec::new();
    for n in 0..count {
        if u32_at(at)? != 0x0201_4b50 {
            return Err(bad(format!("entry {n}: broken central directory")));
        }
        let (flags, method) = (u16_at(at + 8)?, u16_at(at + 10)?);
        let (crc, packed, size) = (u32_at(at + 16)?, u32_at(at + 20)?, u32_at(at + 24)?);
        let name_len = u16_at(at + 28)?;
        let skip = u16_at(at + 30)? + u16_at(at + 32)?;
        let local = u32_at(at + 42)?;
        if local > bytes.len() || size > MAX_ENTRY {
            return Err(bad(format!("entry {n}: beyond the archive or over 256 MB")));
        }
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad(format!("entry {n}: name cut short")))?;
        let name = String::from_utf8_lossy(name).into_owned();
        at += 46 + name_len + skip;
        if name.ends_with('/') || name.starts_with("__MACOSX/") {
            continue;
        }
        let at_name = |problem: &str| FormatError::invalid(format!("{archive}: {name}"), problem);
        if flags & 1 != 0 {
            return Err(at_name("encrypted entries are not supported"));
        }
        if u32_at(local)? != 0x0403_4b50 {
            return Err(at_name("broken local header"));
        }
        let start = local + 30 + u16_at(local + 26)? + u16_at(local + 28)?;
        let data = start
            .checked_add(packed)
            .and_then(|end| bytes.get(start..end))
            .ok_or_else(|| at_name("data cut short"))?;
        let data = match method {
            0 => data.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, size)
                .map_err(|_| at_name("deflated data is damaged"))?,
            m => return Err(at_name(&format!("compression method {m} is not supported"))),
        };
        if data.len() != size || crc32(&data) != crc as u32 {
            return Err(at_name("damaged (size or checksum does not match)"));
        }
        files.push((name, data));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str) -> OutputFile {
        OutputFile {
            name: name.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn written_archives_read_back_byte_for_byte() {
        let files = vec![
            file("talks/qatar 🇶🇦.txt", "Qatar said 😀\r\nمرحبا"),
            file("talks/qatar 🇶🇦.ann", "T1\tactor 0 5\tQatar\n"),
            file("empty.txt", ""),
        ];
        let zip = write(&files);
        assert!(is_zip(&zip));
        let back = read("a.zip", &zip).unwrap();
        assert_eq!(back.len(), 3);
        for (f, (name, data)) in files.iter().zip(&back) {
            assert_eq!(
                (f.name.as_str(), f.contents.as_bytes()),
                (name.as_str(), &data[..])
            );
        }
        // Deterministic: the same files, the same bytes.
        assert_eq!(write(&files), zip);
    }

    #[test]
    fn a_deflated_entry_from_another_tool_reads() {
        // Laid out as Info-ZIP's `zip` writes an entry: deflated, version 2.0, made on Unix,
        // and an extra field in the local header that the central directory does not repeat.
        let data = b"T1\tactor 0 5\tHamas\nT2\tactor 6 11\tHamas\nT3\tactor 12 17\tHamas\n";
        let packed = miniz_oxide::deflate::compress_to_vec(data, 9);
        let mut zip = Vec::new();
        zip.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x21\x00");
        zip.extend_from_slice(&crc32(data).to_le_bytes());
        zip.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&[5, 0, 4, 0]);
        zip.extend_from_slice(b"a.ann\xAA\xBB\x00\x00");
        zip.extend_from_slice(&packed);
        let directory_at = zip.len() as u32;
        zip.extend_from_slice(b"PK\x01\x02\x1e\x03\x14\x00\x00\x00\x08\x00\x00\x00\x21\x00");
        zip.extend_from_slice(&crc32(data).to_le_bytes());
        zip.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        zip.extend_from_slice(b"a.ann");
        let directory_len = zip.len() as u32 - directory_at;
        zip.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
        zip.extend_from_slice(&directory_len.to_le_bytes());
        zip.extend_from_slice(&directory_at.to_le_bytes());
        zip.extend_from_slice(&[0, 0]);
        let back = read("x.zip", &zip).unwrap();
        assert_eq!(back, vec![("a.ann".to_string(), data.to_vec())]);

        // One flipped byte in the data: refused, named.
        let mut broken = zip.clone();
        broken[40] ^= 0xFF;
        let e = read("x.zip", &broken).unwrap_err().to_string();
        assert!(e.starts_with("x.zip: a.ann: "), "{e}");
    }

    #[test]
    fn not_a_zip_or_cut_short_is_an_error_not_a_panic() {
        assert!(read("n.zip", b"hello").is_err());
        let zip = write(&[file("a.txt", "abc")]);
        for cut in 0..zip.len() {
            let _ = read("c.zip", &zip[..cut]);
            let _ = read("c.zip", &zip[cut..]);
        }
    }
}

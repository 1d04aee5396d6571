//! HEIC metadata. An HEIF file keeps its EXIF (GPS position, camera, time) and XMP as
//! *items* beside its image items: each declared in the `meta` box's item list (`iinf`)
//! and found through its item locations (`iloc`). Their bytes are overwritten with
//! zeros where they lie, so no offset in the file moves and the coded image is left
//! exactly as sent.
//!
//! Written here, small and bounded, because the one pure-Rust crate that edits HEIF
//! metadata (`little_exif`) rewrites the EXIF item but leaves XMP, which holds the
//! position too. Every length is checked against the file before use; a file this
//! cannot follow is refused, never stored half-cleaned.

use std::ops::Range;

/// Why a HEIF file's metadata could not be found.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unfollowable(&'static str);

type Parsed<T> = Result<T, Unfollowable>;

/// Zeroes every EXIF, XMP (and other MIME or URI) item of the HEIF `file`; the number
/// of bytes zeroed.
pub(super) fn blank_metadata(file: &mut [u8]) -> Parsed<usize> {
    let ranges = metadata_ranges(file)?;
    let mut blanked = 0;
    for range in ranges {
        blanked += range.len();
        file[range].fill(0);
    }
    Ok(blanked)
}

/// Where the metadata items' bytes lie in `file`.
fn metadata_ranges(file: &[u8]) -> Parsed<Vec<Range<usize>>> {
    let top = boxes(file, 0..file.len())?;
    let mut metas = top.iter().filter(|b| &b.kind == b"meta");
    let meta = metas.next().ok_or(Unfollowable("no meta box"))?;
    if metas.next().is_some() {
        return Err(Unfollowable("two meta boxes"));
    }
    // `meta` is a full box: version and flags before its children.
    let inner = boxes(file, full_box_body(meta)?)?;
    let one = |kind: &[u8; 4]| -> Parsed<Option<&Bx>> {
        let mut found = inner.iter().filter(|b| &b.kind == kind);
        let first = found.next();
        match found.next() {
            Some(_) => Err(Unfollowable("a box twice in meta")),
            None => Ok(first),
        }
    };
    let Some(iinf) = one(b"iinf")? else {
        // No items, so no metadata items.
        return Ok(Vec::new());
    };
    let metadata_items = metadata_items(file, iinf)?;
    if metadata_items.is_empty() {
        return Ok(Vec::new());
    }
    let iloc = one(b"iloc")?.ok_or(Unfollowable("items without locations"))?;
    let idat = one(b"idat")?.map(|b| b.body.clone());
    locations(file, iloc, idat, &metadata_items)
}

/// A box: its type and where its body (after the header) lies in the file.
struct Bx {
    kind: [u8; 4],
    body: Range<usize>,
}

/// The boxes one after another in `within`, which they must fill exactly.
fn boxes(file: &[u8], within: Range<usize>) -> Parsed<Vec<Bx>> {
    let mut found = Vec::new();
    let mut at = within.start;
    while at < within.end {
        let mut r = Reader::new(file, at..within.end);
        let size = r.u32()? as u64;
        let kind: [u8; 4] = r.array()?;
        let size = match size {
            // To the end of what holds it.
            0 => (within.end - at) as u64,
            1 => r.u64()?,
            n => n,
        };
        if &kind == b"uuid" {
            r.skip(16)?;
        }
        let header = (r.at - at) as u64;
        if size < header || size > (within.end - at) as u64 {
            return Err(Unfollowable("a box's size"));
        }
        let end = at + size as usize;
        found.push(Bx {
            kind,
            body: r.at..end,
        });
        at = end;
    }
    Ok(found)
}

/// The body of a full box after its version and flags.
fn full_box_body(b: &Bx) -> Parsed<Range<usize>> {
    if b.body.len() < 4 {
        return Err(Unfollowable("a full box's header"));
    }
    Ok(b.body.start + 4..b.body.end)
}

/// The ids of the items `iinf` declares that are metadata: EXIF, MIME (XMP among
/// them), URI, and the old item entries (versions 0 and 1), which are all MIME typed.
/// Image items, and the derivations (grids, overlays) that place them, are kept.
fn metadata_items(file: &[u8], iinf: &Bx) -> Parsed<Vec<u32>> {
    let mut r = Reader::new(file, iinf.body.clone());
    let version = r.u8()?;
    r.skip(3)?;
    let _count = if version == 0 {
        r.u16()? as u32
    } else {
        r.u32()?
    };
    let mut items = Vec::new();
    for entry in boxes(file, r.at..iinf.body.end)? {
        if &entry.kind != b"infe" {
            continue;
        }
        let mut e = Reader::new(file, entry.body.clone());
        let version = e.u8()?;
        e.skip(3)?;
        let (id, metadata) = match version {
            0 | 1 => (e.u16()? as u32, true),
            2 | 3 => {
                let id = if version == 2 {
                    e.u16()? as u32
                } else {
                    e.u32()?
                };
                let _protection = e.u16()?;
                let item_type: [u8; 4] = e.array()?;
                (id, matches!(&item_type, b"Exif" | b"mime" | b"uri "))
            }
            _ => return Err(Unfollowable("an item entry's version")),
        };
        if metadata {
            items.push(id);
        }
    }
    Ok(items)
}

/// Where the bytes of `items` lie, from the `iloc` box: in the file, or inside the
/// `idat` box. A location this cannot bound (in another file, built from other items,
/// running to the end of the file) is refused.
fn locations(
    file: &[u8],
    iloc: &Bx,
    idat: Option<Range<usize>>,
    items: &[u32],
) -> Parsed<Vec<Range<usize>>> {
    let mut r = Reader::new(file, iloc.body.clone());
    let version = r.u8()?;
    r.skip(3)?;
    if version > 2 {
        return Err(Unfollowable("the item locations' version"));
    }
    let sizes = r.u8()?;
    let (offset_size, length_size) = (sizes >> 4, sizes & 0x0F);
    let sizes = r.u8()?;
    let base_offset_size = sizes >> 4;
    let index_size = if version == 0 { 0 } else { sizes & 0x0F };
    let count = if version < 2 {
        r.u16()? as u32
    } else {
        r.u32()?
    };
    let mut ranges = Vec::new();
    for _ in 0..count {
        let id = if version < 2 {
            r.u16()? as u32
        } else {
            r.u32()?
        };
        let construction = if version == 0 { 0 } else { r.u16()? & 0x0F };
        let data_reference = r.u16()?;
        let base = r.sized(base_offset_size)?;
        let extents = r.u16()?;
        let wanted = items.contains(&id);
        if wanted && data_reference != 0 {
            return Err(Unfollowable("metadata in another file"));
        }
        let within = match construction {
            0 => 0..file.len(),
            1 => idat
                .clone()
                .ok_or(Unfollowable("metadata in a missing idat"))?,
            _ if wanted => return Err(Unfollowable("metadata built from other items")),
            _ => 0..0,
        };
        for _ in 0..extents {
            r.sized(index_size)?;
            let offset = r.sized(offset_size)?;
            let length = r.sized(length_size)?;
            if !wanted {
                continue;
            }
            let start = base
                .checked_add(offset)
                .and_then(|o| o.checked_add(within.start as u64))
                .ok_or(Unfollowable("an extent's offset"))?;
            let end = start
                .checked_add(length)
                .ok_or(Unfollowable("an extent's length"))?;
            if length == 0 || end > within.end as u64 {
                return Err(Unfollowable("an extent outside the file"));
            }
            ranges.push(start as usize..end as usize);
        }
    }
    Ok(ranges)
}

/// Big-endian fields read from a bounded part of the file.
struct Reader<'a> {
    file: &'a [u8],
    at: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    fn new(file: &'a [u8], within: Range<usize>) -> Self {
        Reader {
            file,
            at: within.start,
            end: within.end.min(file.len()),
        }
    }

    fn take(&mut self, n: usize) -> Parsed<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.end)
            .ok_or(Unfollowable("the file ends inside a box"))?;
        let taken = &self.file[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn skip(&mut self, n: usize) -> Parsed<()> {
        self.take(n).map(|_| ())
    }

    fn array<const N: usize>(&mut self) -> Parsed<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Parsed<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Parsed<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Parsed<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Parsed<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A field of 0, 4 or 8 bytes, as `iloc` sizes them.
    fn sized(&mut self, bytes: u8) -> Parsed<u64> {
        match bytes {
            0 => Ok(0),
            4 => Ok(self.u32()? as u64),
            8 => self.u64(),
            _ => Err(Unfollowable("an item location's field size")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXIF: &[u8] = b"Exif\0\0MM\0*GPS 54.52N CanonEOS";
    const XMP: &[u8] = b"<x:xmpmeta>54.52N</x:xmpmeta>";

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
        let mut b = vec![version, 0, 0, 0];
        b.extend_from_slice(body);
        bx(kind, &b)
    }

    fn infe(id: u16, item_type: &[u8; 4]) -> Vec<u8> {
        let mut b = id.to_be_bytes().to_vec();
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(item_type);
        b.push(0);
        full(b"infe", 2, &b)
    }

    /// An HEIF file with an image item (1) and an EXIF item (2) whose bytes are in
    /// `mdat`, and an XMP item (3) in `idat`; `iloc` made by `iloc_for(exif offset,
    /// exif length, xmp length)`.
    fn heif(iloc_for: impl Fn(u32, u32, u32) -> Vec<u8>) -> (Vec<u8>, usize) {
        let (exif, xmp) = (EXIF, XMP);
        let image = b"HEVC-CODED-PIXELS";
        let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        let mut entries = 3u16.to_be_bytes().to_vec();
        entries.extend(infe(1, b"hvc1"));
        entries.extend(infe(2, b"Exif"));
        entries.extend(infe(3, b"mime"));
        let iinf = full(b"iinf", 0, &entries);
        let idat = bx(b"idat", xmp);
        // The meta box's size does not depend on the offsets written in iloc.
        let probe = iloc_for(0, 0, 0);
        let meta_len = 12 + iinf.len() + probe.len() + idat.len();
        let mdat_body_at = ftyp.len() + meta_len + 8;
        let exif_at = (mdat_body_at + image.len()) as u32;
        let iloc = iloc_for(exif_at, exif.len() as u32, xmp.len() as u32);
        let mut meta_body = iinf;
        meta_body.extend(iloc);
        meta_body.extend(idat);
        let meta = full(b"meta", 0, &meta_body);
        let mut mdat_body = image.to_vec();
        mdat_body.extend_from_slice(exif);
        let mut file = ftyp;
        file.extend(meta);
        file.extend(bx(b"mdat", &mdat_body));
        (file, mdat_body_at)
    }

    /// `iloc` version 1: 4-byte offsets and lengths, no base offset; the image at
    /// `image_at`, EXIF in the file, XMP at the start of `idat`.
    fn iloc_v1(image_at: u32) -> impl Fn(u32, u32, u32) -> Vec<u8> {
        move |exif_at, exif_len, xmp_len| {
            let mut b = vec![0x44, 0x00];
            b.extend_from_slice(&3u16.to_be_bytes());
            for (id, method, offset, length) in [
                (1u16, 0u16, image_at, 17u32),
                (2, 0, exif_at, exif_len),
                (3, 1, 0, xmp_len),
            ] {
                b.extend_from_slice(&id.to_be_bytes());
                b.extend_from_slice(&method.to_be_bytes());
                b.extend_from_slice(&0u16.to_be_bytes());
                b.extend_from_slice(&1u16.to_be_bytes());
                b.extend_from_slice(&offset.to_be_bytes());
                b.extend_from_slice(&length.to_be_bytes());
            }
            full(b"iloc", 1, &b)
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn exif_and_xmp_items_are_zeroed_in_place_and_the_image_is_untouched() {
        let (probe, image_at) = heif(iloc_v1(0));
        let (mut file, _) = heif(iloc_v1(image_at as u32));
        assert_eq!(probe.len(), file.len());
        let before = file.clone();
        let blanked = blank_metadata(&mut file).unwrap();
        assert_eq!(blanked, EXIF.len() + XMP.len());
        assert_eq!(file.len(), before.len());
        assert!(!contains(&file, b"54.52N"));
        assert!(!contains(&file, b"Canon"));
        assert!(contains(&file, b"HEVC-CODED-PIXELS"));
        // Only the metadata's bytes changed.
        let changed = file.iter().zip(&before).filter(|(a, b)| a != b).count();
        assert!(changed <= blanked);
    }

    #[test]
    fn a_file_without_metadata_items_is_left_as_it_is() {
        let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        let mut entries = 1u16.to_be_bytes().to_vec();
        entries.extend(infe(1, b"hvc1"));
        let meta = full(b"meta", 0, &full(b"iinf", 0, &entries));
        let mut file = ftyp;
        file.extend(meta);
        let before = file.clone();
        assert_eq!(blank_metadata(&mut file), Ok(0));
        assert_eq!(file, before);
    }

    #[test]
    fn locations_it_cannot_bound_are_refused() {
        let (_, image_at) = heif(iloc_v1(0));
        // EXIF said to run past the end of the file.
        let (mut file, _) =
            heif(|exif_at, _, xmp_len| iloc_v1(image_at as u32)(exif_at, u32::MAX, xmp_len));
        assert!(blank_metadata(&mut file).is_err());
        // XMP said to run past the end of idat.
        let (mut file, _) = heif(|exif_at, exif_len, xmp_len| {
            iloc_v1(image_at as u32)(exif_at, exif_len, xmp_len + 1)
        });
        assert!(blank_metadata(&mut file).is_err());
    }

    #[test]
    fn truncated_and_oversized_boxes_are_refused_without_panicking() {
        let (_, image_at) = heif(iloc_v1(0));
        let (file, _) = heif(iloc_v1(image_at as u32));
        // Every truncation, and every single corrupted size byte.
        for cut in 0..file.len() {
            let mut part = file[..cut].to_vec();
            let _ = blank_metadata(&mut part);
        }
        for at in 0..file.len() {
            for value in [0x00, 0x01, 0x7F, 0xFF] {
                let mut bad = file.clone();
                bad[at] = value;
                let _ = blank_metadata(&mut bad);
            }
        }
        let mut huge = bx(b"ftyp", b"heic");
        huge.extend_from_slice(&[0, 0, 0, 1, b'm', b'e', b't', b'a']);
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert!(blank_metadata(&mut huge).is_err());
    }
}

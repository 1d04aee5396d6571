//! Removing what an image says beyond its pixels: where and when it was taken, and
//! with what. Nothing is decoded or re-encoded, so a hostile header (a 30,000 × 30,000
//! PNG) costs nothing.

use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use sanctuary_domain::documents::MediaType;

use super::heif;

/// Why an image could not be taken.
#[derive(Debug, thiserror::Error)]
#[error("the image could not be read")]
pub struct UnreadableImage;

/// `image` without its metadata: every JPEG APP segment but the JFIF header, the colour
/// profile and Adobe's colour transform (so EXIF with its GPS position and camera, XMP,
/// IPTC, maker notes go) and comments; every PNG ancillary text, time and EXIF chunk;
/// every HEIC EXIF, XMP and other MIME item (see [`heif`]).
pub fn without_metadata(
    media_type: MediaType,
    mut image: Vec<u8>,
) -> Result<Vec<u8>, UnreadableImage> {
    if media_type == MediaType::Heic {
        heif::blank_metadata(&mut image).map_err(|_| UnreadableImage)?;
        return Ok(image);
    }
    let bytes = Bytes::from(image);
    match media_type {
        MediaType::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(|_| UnreadableImage)?;
            jpeg.segments_mut().retain(|segment| {
                let marker = segment.marker();
                let contents = segment.contents();
                // What decoding needs: the JFIF header, the colour profile, Adobe's
                // colour transform. Nothing in them says where, when or with what.
                let needed = (marker == markers::APP0 && contents.starts_with(b"JFIF\0"))
                    || (marker == markers::APP2 && contents.starts_with(b"ICC_PROFILE\0"))
                    || (marker == markers::APP14 && contents.starts_with(b"Adobe"));
                let metadata =
                    (markers::APP0..=markers::APP15).contains(&marker) || marker == markers::COM;
                !metadata || needed
            });
            Ok(jpeg.encoder().bytes().to_vec())
        }
        MediaType::Png => {
            let mut png = Png::from_bytes(bytes).map_err(|_| UnreadableImage)?;
            png.chunks_mut().retain(|chunk| {
                !matches!(
                    &chunk.kind(),
                    b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME"
                )
            });
            Ok(png.encoder().bytes().to_vec())
        }
        MediaType::Pdf | MediaType::Heic => Ok(bytes.to_vec()),
    }
}

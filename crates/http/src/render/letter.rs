//! The spare-room evidence letter as a printable page: the scheme's letterhead, the
//! client's name and address, the statement, a signature block. No script and nothing
//! fetched; every text is escaped.

use std::fmt::Write;

use sanctuary_app::evidence::EvidenceLetter;
use time::Date;

use super::html::escape;

const STYLE: &str = "body{font-family:Georgia,serif;max-width:42em;margin:2em auto;color:#111;line-height:1.45}\
header{border-bottom:2px solid #333;margin-bottom:2em;padding-bottom:.5em}\
header h1{font-size:1.3em;margin:0}header p{margin:.1em 0;font-size:.9em}\
address{font-style:normal;margin:1.5em 0}p.ref{font-size:.9em;color:#333}\
footer{margin-top:3em}@media print{body{margin:1.5cm}}";

/// `14 May 2026`.
fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

pub fn evidence_letter(letter: &EvidenceLetter) -> String {
    let head = &letter.letterhead;
    let issuer = head.issuer.as_deref().unwrap_or(&letter.scheme_name);
    let mut page = String::with_capacity(4096);
    let _ = write!(
        page,
        "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <title>Sanctuary scheme evidence letter {}</title><style>{STYLE}</style></head><body>\
         <header><h1>{}</h1>",
        escape(&letter.reference),
        escape(issuer)
    );
    for line in &head.address {
        let _ = write!(page, "<p>{}</p>", escape(line));
    }
    if let Some(telephone) = &head.telephone {
        let _ = write!(page, "<p>Telephone: {}</p>", escape(telephone));
    }
    if let Some(email) = &head.email {
        let _ = write!(page, "<p>Email: {}</p>", escape(email));
    }
    let _ = write!(
        page,
        "</header><p>{}</p><p>To: {}</p>",
        long_date(letter.issued_on),
        escape(letter.purpose.addressee())
    );
    let address = &letter.address;
    let _ = write!(
        page,
        "<address><strong>{}</strong><br>{}",
        escape(&letter.client_name),
        escape(&address.line1)
    );
    if let Some(line2) = &address.line2 {
        let _ = write!(page, "<br>{}", escape(line2));
    }
    let _ = write!(
        page,
        "<br>{}<br>{}</address><p class=\"ref\">Our reference: {}</p>",
        escape(&address.town),
        escape(address.postcode.as_str()),
        escape(&letter.reference)
    );
    let _ = write!(
        page,
        "<h2>Home adapted under a sanctuary scheme</h2>\
         <p>I confirm that the home of {name}, at the address above, has been adapted under \
         {scheme}, a sanctuary scheme for people at risk of domestic abuse, so that they can \
         stay safely in their own home. The sanctuary measures were fitted on {date}.</p>",
        name = escape(&letter.client_name),
        scheme = escape(&letter.scheme_name),
        date = long_date(letter.installed_on),
    );
    if !letter.measures.is_empty() {
        page.push_str("<p>The measures in place are:</p><ul>");
        for (name, quantity) in &letter.measures {
            match quantity {
                1 => {
                    let _ = write!(page, "<li>{}</li>", escape(name));
                }
                n => {
                    let _ = write!(page, "<li>{} (× {n})</li>", escape(name));
                }
            }
        }
        page.push_str("</ul>");
    }
    let _ = write!(
        page,
        "<p>I give this letter as a person acting in an official capacity for the scheme, as \
         evidence for the exception (SI 2021/991) that means {deduction} does not apply to a \
         home adapted under a sanctuary scheme.</p>\
         <p>Please keep this letter and the client's address confidential: the client is at \
         risk of domestic abuse. Any questions about this letter should come to the scheme \
         at the address above, not to the client.</p>\
         <footer><p>Yours faithfully,</p><p>{signatory}</p><p>{issuer}</p></footer>\
         </body></html>",
        deduction = escape(letter.purpose.deduction()),
        signatory = escape(
            head.signatory
                .as_deref()
                .unwrap_or("Sanctuary Scheme Coordinator")
        ),
        issuer = escape(issuer),
    );
    page
}

// Text that many projects copy verbatim: licences, the Developer's Certificate of Origin, changelogs and release
// notes, and the notes documentation generators stamp on every page. Left in, it would be memorised and suggested in place of what the user means to write.

/** Files and folders that hold such text whatever the package. Matched against the path inside the package. */
export const BOILERPLATE_PATH =
  /(^|\/)(copyright|copying|licen[cs]es?|changelog|changes|news|history|authors|credits|thanks|release[-_]?notes?|releases?|releaselog|whatsnew|changelog\.debian)([-_.][^/]*)?(\/|$)/i;

const BOILERPLATE_TEXT: readonly RegExp[] = [
  /permission is hereby granted/i,
  /the software is provided "?as is/i,
  /without (any )?warrant(y|ies)/i,
  /redistribution and use in source and binary forms/i,
  /\bthis (program|library|file|document|documentation|manual|page) is free (software|documentation)/i,
  /\b(gnu )?(lesser |library |affero )?general public licen[cs]e/i,
  /\bgnu free documentation licen[cs]e/i,
  /\blicen[cs]ed under the apache licen[cs]e/i,
  /\bcreative commons attribution/i,
  /\bmozilla public licen[cs]e/i,
  /\bdeveloper'?s certificate of origin/i,
  /\b(signed-off-by|acked-by|reviewed-by|reported-by|tested-by):/i,
  /\ball rights reserved\b/i,
  /\bcopyright (\(c\)|©|\d{4})/i,
  /\bpermission is granted to (copy|make|distribute)/i,
  // Notes that documentation generators leave on every page.
  /\b(this|the) (document|page|file|manual) (was|is) (automatically )?generated\b/i,
  /\bgenerated (by|with|using) (sphinx|doxygen|texi2any|texi2html|javadoc|docbook|asciidoc|pod2html|rustdoc)/i,
  /\bthe node you are looking for is at\b/i,
];

export function isBoilerplatePath(path: string): boolean {
  return BOILERPLATE_PATH.test(path);
}

export function isBoilerplateText(text: string): boolean {
  return BOILERPLATE_TEXT.some((pattern) => pattern.test(text));
}

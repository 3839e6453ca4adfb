// The sources of the corpus: Debian documentation packages, what to read from each, and under what licence.
// Their order matters: when the same paragraph is in two packages, the earlier source keeps it.
import { HtmlOptions } from './html';

export interface SourceSpec {
  /** Debian package name. */
  package: string;
  /** The licence of the text we read, from the package's debian/copyright. */
  licence: string;
  /** Paths inside the package (no leading slash) that hold prose; the format follows from the file name. */
  include: RegExp;
  exclude?: RegExp;
  html?: HtmlOptions;
  /** Take at most this many words, whole documents in seeded order: for large API-heavy sources. */
  maxWords?: number;
  /** Why this source, or what was left out of it. */
  note: string;
}

const SPHINX_GENERATED = /\/(reference\/generated|generated|reference\/api|api)\//;

export const SOURCES: readonly SourceSpec[] = [
  {
    package: 'linux-doc-6.1',
    licence: 'GPL-2.0-only',
    include: /^usr\/share\/doc\/linux-doc-6\.1\/html\/.*\.html$/,
    exclude: /\/html\/translations\/|\/process\/maintainers\.html$/,
    note: 'Kernel design notes, howtos and process documents; English only (translations/ left out) and without the MAINTAINERS address list.',
  },
  {
    package: 'python3.11-doc',
    licence: 'PSF-2.0',
    include: /^usr\/share\/doc\/python3\.11\/html\/.*\.html$/,
    note: 'Python tutorial, HOWTOs, language and library reference.',
  },
  {
    package: 'postgresql-doc-15',
    licence: 'PostgreSQL',
    include: /^usr\/share\/doc\/postgresql-doc-15\/html\/.*\.html$/,
    note: 'PostgreSQL manual; release notes left out.',
  },
  {
    package: 'sqlite3-doc',
    licence: 'public-domain',
    include: /^usr\/share\/doc\/sqlite3\/.*\.html$/,
    exclude: /\/sqlite3\/syntax\//,
    note: 'SQLite documentation; release log and syntax diagrams left out.',
  },
  {
    package: 'python-django-doc',
    licence: 'BSD-3-Clause',
    include: /^usr\/share\/doc\/python-django-doc\/html\/.*\.html$/,
    note: 'Django guides and reference; release notes left out.',
  },
  {
    package: 'sphinx-doc',
    licence: 'BSD-2-Clause',
    include: /^usr\/share\/doc\/sphinx-doc\/html\/.*\.html$/,
    note: 'Sphinx documentation.',
  },
  {
    package: 'python-requests-doc',
    licence: 'Apache-2.0',
    include: /^usr\/share\/doc\/python-requests-doc\/html\/.*\.html$/,
    exclude: /\/community\/updates\.html$/,
    note: 'Requests user guide.',
  },
  {
    package: 'python-pandas-doc',
    licence: 'BSD-3-Clause',
    include: /^usr\/share\/doc\/python-pandas-doc\/html\/.*\.html$/,
    exclude: SPHINX_GENERATED,
    note: 'pandas user guide and getting started; the generated API reference left out.',
  },
  {
    package: 'python-scipy-doc',
    licence: 'BSD-3-Clause',
    include: /^usr\/share\/doc\/python-scipy-doc\/html\/.*\.html$/,
    exclude: SPHINX_GENERATED,
    note: 'SciPy tutorial and developer guide; the generated API reference left out.',
  },
  {
    package: 'rust-doc',
    licence: 'MIT OR Apache-2.0',
    include:
      /^usr\/share\/doc\/rust-doc\/html\/(book|reference|nomicon|rust-by-example|edition-guide|embedded-book|rustc|rustdoc|cargo|style-guide|std)\/.*\.html$/,
    exclude: /\/print\.html$|\/book\/(first|second|2018)-edition\//,
    note: 'The Rust books (book, reference, nomicon, by-example, edition guide, embedded, rustc, rustdoc) and the doc comments of std; core and alloc (mostly the same text as std) the unstable book and the stub pages of old book editions left out; print.html repeats each book.',
  },
  {
    package: 'nodejs-doc',
    licence: 'MIT',
    include: /^usr\/share\/doc\/nodejs\/api\/.*\.html$/,
    exclude: /\/all\.html$/,
    note: 'Node.js API documentation (all.html repeats the other pages).',
  },
  {
    package: 'apache2-doc',
    licence: 'Apache-2.0',
    include: /^usr\/share\/doc\/apache2-doc\/manual\/en\/.*\.html$/,
    note: 'Apache HTTP Server manual, English.',
  },
  {
    package: 'docker-doc',
    licence: 'Apache-2.0',
    include: /^usr\/share\/doc\/docker-doc\/.*\.md(\.gz)?$/,
    note: 'Docker CLI, API and plugin documentation (Markdown).',
  },
  {
    package: 'git-doc',
    licence: 'GPL-2.0-only',
    include: /^usr\/share\/doc\/git-doc\/.*\.html$/,
    exclude: /\/RelNotes\//,
    note: 'Git manual pages, user manual, howtos and patch-submission guides.',
  },
  {
    package: 'erlang-doc',
    licence: 'Apache-2.0',
    include: /^usr\/share\/doc\/erlang-doc\/.*\.html$/,
    exclude: /\/lib\/(wx|jinterface)-[^/]*\//,
    html: { dropIds: ['leftnav'] },
    note: 'Erlang/OTP manuals; the generated wx and jinterface API pages left out.',
  },
  {
    package: 'openjdk-17-doc',
    licence: 'GPL-2.0-only WITH Classpath-exception-2.0',
    include: /^usr\/share\/doc\/openjdk-17-jre-headless\/api\/.*\.html$/,
    exclude: /\/(class-use|index-files)\/|\/(package-tree|package-use|overview-tree|allclasses-index|allpackages-index|deprecated-list|serialized-form|constant-values|help-doc|search|index-all|module-graph)\.html$/,
    html: { keepClasses: ['block'], dropClasses: ['notes', 'member-signature', 'type-signature', 'inheritance'] },
    maxWords: 1_500_000,
    note: 'Javadoc comments of the Java SE API: doc-comment style. Sampled (whole pages, seeded) as it is API-heavy.',
  },
  {
    package: 'llvm-14-doc',
    licence: 'Apache-2.0 WITH LLVM-exception',
    include: /^usr\/share\/doc\/llvm-14-doc\/html\/.*\.html$/,
    exclude: /\/html\/AMDGPU\//,
    note: 'LLVM documentation: design, guides, coding standards, code review; the generated AMDGPU instruction pages left out.',
  },
  {
    package: 'clang-14-doc',
    licence: 'Apache-2.0 WITH LLVM-exception',
    include: /^usr\/share\/doc\/clang-14\/html\/.*\.html$/,
    note: 'Clang documentation.',
  },
  {
    package: 'cmake-doc',
    licence: 'BSD-3-Clause',
    include: /^usr\/share\/doc\/cmake-data\/html\/(manual|guide|command|module|policy)\/.*\.html$/,
    note: 'CMake manuals, guides, commands, modules and policies; one-line variable and property pages left out.',
  },
  {
    package: 'bind9-doc',
    licence: 'MPL-2.0',
    include: /^usr\/share\/doc\/bind9-doc\/arm\/.*\.html$/,
    note: 'BIND 9 Administrator Reference Manual.',
  },
  {
    package: 'debian-handbook',
    licence: 'GPL-2.0-or-later OR CC-BY-SA-3.0',
    include: /^usr\/share\/doc\/debian-handbook\/html\/en-US\/.*\.html$/,
    html: { keepClasses: ['para'], contentClasses: ['sidebar'] },
    note: "The Debian Administrator's Handbook, English.",
  },
  {
    package: 'debian-policy',
    licence: 'GPL-2.0-or-later',
    include: /^usr\/share\/doc\/debian-policy\/.*\.html$/,
    note: 'Debian Policy and its sub-policies.',
  },
  {
    package: 'developers-reference',
    licence: 'GPL-2.0-only',
    include: /^usr\/share\/developers-reference\/.*\.html$/,
    exclude: /\/developers-reference\.html$/,
    note: "Debian Developer's Reference (multi-page edition; the single-page one repeats it).",
  },
  {
    package: 'debian-reference-en',
    licence: 'GPL-2.0-or-later',
    include: /^usr\/share\/debian-reference\/.*\.en\.html$/,
    note: 'Debian Reference, English.',
  },
  {
    package: 'debmake-doc',
    licence: 'Expat',
    include: /^usr\/share\/doc\/debmake-doc\/html\/.*\.en\.html$/,
    note: 'Guide for Debian Maintainers, English.',
  },
  {
    package: 'maint-guide',
    licence: 'GPL-2.0-or-later',
    include: /^usr\/share\/doc\/maint-guide\/html\/.*\.en\.html$/,
    note: 'Debian New Maintainers\' Guide, English.',
  },
  {
    package: 'debian-faq',
    licence: 'permissive (copy, modify and distribute with the notice kept; see debian/copyright)',
    include: /^usr\/share\/doc\/debian\/FAQ\/.*\.html$/,
    note: 'Debian GNU/Linux FAQ.',
  },
  {
    package: 'gnu-standards',
    licence: 'GFDL-1.3-or-later (no invariant sections)',
    include: /^usr\/share\/doc\/gnu-standards\/.*\.html$/,
    note: 'GNU Coding Standards and Information for Maintainers of GNU Software.',
  },
  {
    package: 'bash-doc',
    licence: 'GFDL-1.3-or-later, no invariant sections (bashref.html) AND GPL-3.0-or-later (bash.html, the manual page)',
    include: /^usr\/share\/doc\/bash\/.*\.html$/,
    exclude: /\/examples\//,
    note: 'Bash reference manual and manual page.',
  },
  {
    package: 'zsh-doc',
    licence: 'Zsh (MIT-like)',
    include: /^usr\/share\/doc\/zsh-common\/html\/.*\.html$/,
    note: 'Zsh manual.',
  },
  {
    package: 'perl-doc',
    licence: 'GPL-1.0-or-later OR Artistic-1.0-Perl',
    include: /^usr\/share\/perl\/[^/]+\/pod\/.*\.pod$/,
    exclude: /\/perl\d*delta\.pod$|\/perl(toc|artistic|gpl|hist|api|intern|uniprops|modlib)\.pod$/,
    note: 'Perl tutorials, FAQ and manuals (POD); per-release delta pages, the TOC and generated API lists left out.',
  },
  {
    package: 'manpages',
    licence: 'Linux-man-pages-copyleft AND GPL-2.0-or-later AND BSD (mixed free, see debian/copyright)',
    include: /^usr\/share\/man\/man\d\/[^/]*\.gz$/,
    note: 'Linux man-pages sections 1, 4, 5, 7, 8; synopses, examples and cross-reference sections left out.',
  },
  {
    package: 'manpages-dev',
    licence: 'Linux-man-pages-copyleft AND GPL-2.0-or-later AND BSD (mixed free, see debian/copyright)',
    include: /^usr\/share\/man\/man\d\/[^/]*\.gz$/,
    note: 'Linux man-pages sections 2 and 3 (system calls and library functions).',
  },
  {
    package: 'dict-foldoc',
    licence: 'GFDL-1.1-or-later (no invariant sections)',
    include: /^usr\/share\/dictd\/foldoc\.dict\.dz$/,
    note: 'Free On-line Dictionary of Computing; one document per entry.',
  },
];

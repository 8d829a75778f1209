#!/usr/bin/env gsi-script
;;; gambit.scm — the Gambit shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   gsi -:f8,-8 gambit.scm [(LIBRARY NAME) ...] FILE ... -- NAME ...
;;;          gsc -:f8,-8 -i gambit.scm [--cache DIR [--server KEY]] [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment;
;;;          a SOURCE is FILE (read and evaluated form by form: interpreted) or
;;;          --compile KEY TEXT FILE (compiled: TEXT holds FILE's text, KEY
;;;          names it), which needs gsc, Gambit's compiler, and gcc
;;; startup: ["ready",COUNT,COMPILED,CACHED]  or  ["load-error",KIND,MESSAGE,FILE]
;;;          or  ["missing",NAME]; COMPILED sources were compiled now, CACHED
;;;          ones were loaded from the cache
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; binary:  (b ID COUNT SIZE) followed by SIZE bytes: COUNT calls in a
;;;          block, exactly as in guile.scm's header (tagged arguments, a
;;;          double as its 8 IEEE-754 bytes; each call answered in order, the
;;;          byte 0 and 8 bytes for an inexact real, else the byte 1 and its
;;;          answer line; an error answered and the block goes on; answers
;;;          flushed in bursts about 2 ms apart and at the end of the block)
;;; answer:  [ID,"ok",V]  or  [ID,"error",KIND,MESSAGE]
;;;          V as in guile.scm: "f<real>" (inexact), "x<real>" (exact),
;;;          "c<re> <im>", true/false, a JSON array of V; "s<string>",
;;;          "h<char>", "y<symbol>", "u" (unspecified), {"vector":[V,...]},
;;;          {"pair":[V,V]}, "o<printed object>".
;;;
;;; Written for Gambit v4.9.3 (Debian's gambc).  Where it differs from guile.scm, and why:
;;;
;;; The command line.  The first line of this file (#!) is what makes gsi run
;;; it as a script: without it gsi would load every later argument as one more
;;; file.  The runtime options -:f8,-8 make files and standard input/output
;;; UTF-8 (Gambit's default is ISO-8859-1, and it fails writing a character
;;; above U+00FF); gsi reads runtime options only from its own command line,
;;; not from the script line, hence the entry in implementations.py.  `gsc
;;; -i` is gsi with Gambit's compiler loaded: the shim runs on it, interpreted
;;; either way, when sources are to be compiled.
;;;
;;; The environment.  Gambit 4.9.3 has neither `import`, `define-library` nor
;;; `environment`: there is one global environment, and `eval` ignores its
;;; environment argument.  What Gambit has instead is the namespace
;;; declaration, (##namespace ...), which rewrites identifiers as code is
;;; compiled, and that is used to restrict the files: once the shim has
;;; declared (##namespace ("triglot#")), every identifier in the evaluated
;;; forms becomes triglot#IDENTIFIER, except the syntactic keywords of the
;;; libraries, which a second declaration maps back to Gambit's own.  The
;;; libraries' procedures are copied to triglot#NAME (for the names Gambit
;;; has), so that the files see exactly those; a concept file's definitions
;;; become triglot#NAME too, and redefining a library name (say `square`)
;;; changes the environment's binding, not Gambit's global one, as in a
;;; module of its own.  Any other name fails when it is used, loudly:
;;; (1+ x) raises Gambit's unbound-global-exception, "Unbound variable: 1+"
;;; (the shim takes the "triglot#" out of messages); in a compiled file it
;;; fails as the file loads (see the cache, below).  The restriction has
;;; holes the files would have to seek out: a name written with a # in it
;;; (##car, triglot#x) is never rewritten, and Gambit's reader and `lambda`
;;; still accept its extensions (#!optional, #!eof, ...).  The files are read
;;; with keywords off, so that foo: is the symbol R7RS says it is.
;;;
;;; What R7RS-small gets from Gambit 4.9.3.  (scheme base) lacks guard,
;;; let-values, let*-values, define-values, raise-continuable, peek-u8 and
;;; include-ci, and its hygienic macros: Gambit's define-syntax takes only a
;;; procedure as the expander, and syntax-rules comes only with gsi's -:s
;;; option, which loads a psyntax expander that does not work with the
;;; namespace (its expansions call its own helpers by plain names) nor, as
;;; tried, through `eval`, and which makes the reader case-insensitive.  So
;;; define-syntax, let-syntax, letrec-syntax and syntax-rules are left out.
;;; (scheme char) lacks char-foldcase,
;;; digit-value, string-upcase, string-downcase and string-foldcase;
;;; (scheme eval) lacks `environment`.  A missing name is unbound, so a file
;;; that uses one fails where it uses it; as syntax it may fail as the file
;;; loads, Gambit's compiler reading it as a call: (let-values (((a . b) ...))
;;; ...) is an ill-formed call.  Gambit's own meanings are kept where R7RS
;;; leaves a choice or Gambit parts from it: (exp 0) and (log 1) are exact,
;;; (* 0 x) is an exact 0 even for x = +inf.0 or +nan.0, (log 0) and
;;; (/ x 0) with an exact 0 raise, `case` has no =>, cond-expand has no
;;; r7rs feature, and a handler that returns from `raise` (or from an
;;; unbound variable) returns to the raise.  This shim reports Gambit, it
;;; does not patch it.  Besides the R7RS-small libraries, (srfi srfi-1)
;;; gives the SRFI 1 procedures that Gambit defines itself with SRFI 1's
;;; meaning (checked: fold, fold-right, take, drop, last, iota, ...; Gambit
;;; has no filter, reduce, any, every...); a library the shim does not know
;;; is a load error.
;;;
;;; Conditions.  Gambit's exceptions are structures whose type names are
;;; short, stable words (type-exception, divide-by-zero-exception,
;;; unbound-global-exception, ...): that name is the KIND and the text of
;;; display-exception, on one line, the MESSAGE.  `error` makes an
;;; error-exception: KIND "error".  Any other raised object: KIND "raise".
;;;
;;; Numbers.  Gambit's reader is correctly rounded and its number->string
;;; prints text that reads back as the same double (checked over 570,000
;;; doubles, random bit patterns and subnormals among them, the edge cases
;;; of the brief, and 90,000 near-halfway decimal strings), in Gambit's
;;; spelling: ".5", "-0.", "100.", "1e21", "+inf.0", "+nan.0", all of which
;;; Python's float() reads (or the caller maps) to the same double.  So on
;;; the text path numbers travel as text both ways, with no conversion in
;;; the shim.
;;;
;;; The binary path.  Printing and reading those digits, and a write and a
;;; flush per answer, are most of what a call costs on the text path; a
;;; block carries the double's own 8 bytes instead, in and out.  Gambit
;;; 4.9.3 has no bytevector-ieee-double-ref, but ##subu8vector-move! copies
;;; bytes between any two byte vectors, whatever their element type: the 8
;;; bytes go into a one-element f64vector and come out as the double, bit for
;;; bit (-0.0, subnormals, infinities), and a result goes back the same way;
;;; integers come through s64, u32 and u16 vectors likewise.  That takes the
;;; host's byte order to be the wire's, little-endian (x86-64, ARM): the shim
;;; checks at start-up and, on any other host, refuses blocks (the runner
;;; then replays them as text).  A NaN argument becomes the NaN that +nan.0
;;; reads as, which is what the text path gives the function.  A port cannot
;;; mix the two: Gambit refuses to read bytes from a port whose characters
;;; have been read ahead ("Input port character buffer is not empty"), and
;;; read ahead they are, by read-line.  So requests are read from standard
;;; input opened a second time (/dev/stdin) as ISO-8859-1, one character per
;;; byte (where it cannot be, blocks are refused too): the header is a line,
;;; the block SIZE characters, which are the bytes again; a request line
;;; holding other than ASCII (none the runner sends) is decoded again from
;;; UTF-8.  Answers mix bytes and text on standard output, which Gambit
;;; allows.  Interpreted, the block's loop
;;; answers about three times as many doubles a second as the text path;
;;; compiled it answers ten times as many, so with --server KEY (and a
;;; cache) it is compiled, once, like a source: the unit is kept in
;;; DIR/gambit-VERSION-HOST/server/KEY.o1 (KEY hashes this shim), in
;;; Gambit's own namespace, with Gambit's procedures inlined (standard and
;;; extended bindings: they are the shim's, not the files', whose procedures
;;; are called as before).  The request-line reader is compiled with it.  If
;;; it cannot be compiled or loaded, the loop stays interpreted.

;;; The compiled-file cache.  Compiled, the concept files run about twice as
;;; fast as interpreted (a fit-newton step on the breast-cancer data; the
;;; arithmetic itself is the same procedures, see below), and compiling them
;;; takes gsc and gcc several seconds, so the
;;; code compiled from each source is kept in DIR/gambit-VERSION-HOST/KEY.o1
;;; and loaded from there at the next start.  KEY and TEXT are as in
;;; guile.scm (KEY hashes this shim, the libraries, and the texts of this
;;; source and every source before it; TEXT is a copy of FILE holding exactly
;;; the text KEY names), and Gambit's version and host name the folder, so a
;;; changed source, shim, library list or Gambit never loads stale code.
;;; The forms, read as for the interpreter, are compiled as one unit headed
;;; by the namespace declarations the interpreter has (compile-file's
;;; expression: argument): the compiled code sees the same names, and no
;;; other declaration is added.  Gambit's default declarations compile a
;;; call to a global as a call to whatever the global holds when the call
;;; runs, and every name of the files is a global triglot#NAME that Gambit
;;; knows nothing of, so nothing is inlined or folded: (+ x y) calls Gambit's
;;; `+` through triglot#+, compiled or interpreted, and the answers are the
;;; same bit for bit.
;;;
;;; Where compiled code parts from interpreted code is an unbound name:
;;; Gambit 4.9.3's compiled code does not check one, so calling it raises
;;; "Operator is not a PROCEDURE (#!unbound 1)", and merely using its value
;;; gives the object #!unbound, no error at all.  So the shim checks the
;;; names: the compiler lists, in the C file it writes, the globals the unit
;;; uses without defining them, and before the unit runs each must be bound,
;;; else the source's load error is the interpreter's own, "Unbound variable:
;;; 1+".  Compiled, then, a name outside the environment fails when the
;;; source loads, not when the code using it is called; and a source cannot
;;; use a name that only a later source defines (no concept file does).
;;;
;;; A syntax error (an ill-formed form) makes the compiler print a message
;;; and give up: the source is then interpreted, and its load error is the
;;; interpreter's.  The object file's entry point is named after the file, so
;;; the C file is KEY.o1.c and the object file KEY.o1, made in a new folder
;;; of the cache (.compile-RANDOM) and renamed into place, so that two
;;; processes starting at once never see half a file.  A cache file is the
;;; object file followed by a trailer: KEY and the names the unit uses, their
;;; length, the mark "triglot-o1" and the object file's length.  A file whose
;;; trailer is wrong (cut short, say, or another KEY's) or that Gambit will
;;; not load is compiled again and replaced; it is never loaded from the cache's path
;;; again in the same process (the system's loader would hand back the
;;; damaged file it opened there), but from the folder it was compiled in.
;;; The compiled unit first calls triglot-shim#enter!, which tells an
;;; object file Gambit would not load from a source that raised as it ran.
;;; Without DIR, or when DIR cannot be written, the sources are compiled at
;;; every start, in a folder of TMPDIR, and nothing is kept.
;;;
;;; The process.  Gambit catches SIGTERM and exits with code 70, so a runner
;;; that sends SIGTERM sees an exit, not a death by signal.  Its heap grows
;;; to about 175 MB over a long run of calls, and stays there.

;; Gambit-specific throughout: with-exception-catcher, display-exception,
;; the ## primitives and the namespace declarations have no R7RS spelling.

(define prefix "triglot#")  ; the namespace of the files' own names
(define declarations '())   ; the namespace declarations, at the head of every compiled unit
(define loading "")         ; the source being loaded, named in a load-error
(define cache #f)           ; the folder of compiled files for this Gambit, or #f
(define compiled 0)         ; sources compiled at this start
(define cached 0)           ; sources loaded from the cache at this start

;; ---------------------------------------------------------------- the libraries

;; The syntactic keywords of (scheme base) that Gambit has: the namespace maps
;; them back to Gambit's own.  The others (guard, let-values, let*-values,
;; define-values, include-ci, and define-syntax, let-syntax, letrec-syntax,
;; syntax-rules, which Gambit has only with a procedure as the expander) stay
;; in the files' namespace, where nothing defines them: a file that uses one
;; fails, and cannot reach Gambit's low-level macros through it.
(define base-syntax
  '(_ ... => else and begin case cond cond-expand define define-record-type do
    if include lambda let let* letrec letrec* or parameterize quasiquote quote
    set! syntax-error unless unquote unquote-splicing when))

(define libraries
  `(((scheme base)
     ,@base-syntax
     * + - / < <= = > >= abs append apply assoc assq assv binary-port? boolean=?
     boolean? bytevector bytevector-append bytevector-copy bytevector-copy!
     bytevector-length bytevector-u8-ref bytevector-u8-set! bytevector? caar cadr
     call-with-current-continuation call-with-port call-with-values call/cc car
     cdar cddr cdr ceiling char->integer char-ready? char<=? char<? char=? char>=?
     char>? char? close-input-port close-output-port close-port complex? cons
     current-error-port current-input-port current-output-port denominator
     dynamic-wind eof-object eof-object? eq? equal? eqv? error
     error-object-irritants error-object-message error-object? even? exact
     exact-integer-sqrt exact-integer? exact? expt features file-error? floor
     floor-quotient floor-remainder floor/ flush-output-port for-each gcd
     get-output-bytevector get-output-string inexact inexact? input-port-open?
     input-port? integer->char integer? lcm length list list->string list->vector
     list-copy list-ref list-set! list-tail list? make-bytevector make-list
     make-parameter make-string make-vector map max member memq memv min modulo
     negative? newline not null? number->string number? numerator odd?
     open-input-bytevector open-input-string open-output-bytevector
     open-output-string output-port-open? output-port? pair? peek-char peek-u8
     positive? procedure? quotient raise raise-continuable rational? rationalize
     read-bytevector read-bytevector! read-char read-error? read-line read-string
     read-u8 real? remainder reverse round set-car! set-cdr! square string
     string->list string->number string->symbol string->utf8 string->vector
     string-append string-copy string-copy! string-fill! string-for-each
     string-length string-map string-ref string-set! string<=? string<? string=?
     string>=? string>? string? substring symbol->string symbol=? symbol?
     textual-port? truncate truncate-quotient truncate-remainder truncate/
     u8-ready? utf8->string values vector vector->list vector->string
     vector-append vector-copy vector-copy! vector-fill! vector-for-each
     vector-length vector-map vector-ref vector-set! vector? with-exception-handler
     write-bytevector write-char write-string write-u8 zero?)
    ((scheme inexact) acos asin atan cos exp finite? infinite? log nan? sin sqrt tan)
    ((scheme char)
     char-alphabetic? char-ci<=? char-ci<? char-ci=? char-ci>=? char-ci>?
     char-downcase char-foldcase char-lower-case? char-numeric? char-upcase
     char-upper-case? char-whitespace? digit-value string-ci<=? string-ci<?
     string-ci=? string-ci>=? string-ci>? string-downcase string-foldcase
     string-upcase)
    ((scheme cxr)
     caaar caadr cadar caddr cdaar cdadr cddar cdddr caaaar caaadr caadar caaddr
     cadaar cadadr caddar cadddr cdaaar cdaadr cdadar cdaddr cddaar cddadr cdddar
     cddddr)
    ((scheme case-lambda) case-lambda)
    ((scheme complex) angle imag-part magnitude make-polar make-rectangular real-part)
    ((scheme write) display write write-shared write-simple)
    ((scheme read) read)
    ((scheme lazy) delay delay-force force make-promise promise?)
    ((scheme eval) environment eval)
    ((scheme process-context)
     command-line emergency-exit exit get-environment-variable get-environment-variables)
    ((scheme time) current-jiffy current-second jiffies-per-second)
    ((scheme file)
     call-with-input-file call-with-output-file delete-file file-exists?
     open-binary-input-file open-binary-output-file open-input-file
     open-output-file with-input-from-file with-output-to-file)
    ((scheme load) load)
    ((scheme repl) interaction-environment)
    ;; Only the SRFI 1 procedures Gambit defines with SRFI 1's meaning (Gambit's
    ;; `break`, for one, is its debugger's breakpoint).
    ((srfi srfi-1)
     xcons cons* make-list list-tabulate list-copy circular-list iota take drop
     last last-pair reverse! fold fold-right)))

(define syntax-keywords
  (append base-syntax '(case-lambda delay delay-force)))

(define (library-names library)
  (let ((entry (assoc library libraries)))
    (if entry
        (cdr entry)
        (error "no such library in this shim:" library))))

(define (qualified name)
  (string->symbol (string-append prefix (symbol->string name))))

(define (global-procedure name)
  "Gambit's procedure NAME, or #f (a missing name, or syntax)."
  (with-exception-catcher
    (lambda (e) #f)
    (lambda ()
      (let ((v (eval name)))
        (and (procedure? v) v)))))

(define (make-environment requested)
  "Declare the namespace of the files: (scheme base), (scheme inexact) and REQUESTED."
  (let* ((names (apply append (map library-names
                                   (append '((scheme base) (scheme inexact)) requested))))
         (keywords (let keep ((names names) (out '()))
                     (cond ((null? names) (reverse out))
                           ((and (memq (car names) syntax-keywords)
                                 (not (memq (car names) out)))
                            (keep (cdr names) (cons (car names) out)))
                           (else (keep (cdr names) out))))))
    (for-each (lambda (name)
                (if (not (memq name syntax-keywords))
                    (let ((proc (global-procedure name)))
                      (if proc
                          (eval `(define ,(qualified name) ',proc))))))
              names)
    (set! declarations `((##namespace (,prefix)) (##namespace ("" ,@keywords))))
    (for-each eval declarations)))

;; ---------------------------------------------------------------- answers

(define (without-prefix s)
  "S without the namespace prefix, wherever it occurs: the files' names as written."
  (let ((n (string-length s)) (k (string-length prefix)))
    (let loop ((i 0) (start 0) (parts '()))
      (cond ((> (+ i k) n)
             (if (null? parts)
                 s
                 (apply string-append (reverse (cons (substring s start n) parts)))))
            ((and (char=? (string-ref s i) #\t) (string=? (substring s i (+ i k)) prefix))
             (loop (+ i k) (+ i k) (cons (substring s start i) parts)))
            (else (loop (+ i 1) start parts))))))

(define hex "0123456789abcdef")

(define (json-string s)
  (call-with-output-string
    ""
    (lambda (port)
      (write-char #\" port)
      (string-for-each
        (lambda (c)
          (cond ((char=? c #\") (write-string "\\\"" port))
                ((char=? c #\\) (write-string "\\\\" port))
                ((char<? c #\space)
                 (let ((n (char->integer c)))
                   (write-string "\\u00" port)
                   (write-char (string-ref hex (quotient n 16)) port)
                   (write-char (string-ref hex (remainder n 16)) port)))
                (else (write-char c port))))
        s)
      (write-char #\" port))))

(define (join texts)
  (if (null? texts)
      ""
      (apply string-append
             (car texts)
             (map (lambda (t) (string-append "," t)) (cdr texts)))))

(define (encode v)
  (cond ((flonum? v) (string-append "\"f" (number->string v) "\""))
        ((eq? v #t) "true")
        ((eq? v #f) "false")
        ((number? v)
         (cond ((not (real? v))
                (string-append "\"c" (number->string (real-part v))
                               " " (number->string (imag-part v)) "\""))
               ((exact? v) (string-append "\"x" (number->string v) "\""))
               (else (string-append "\"f" (number->string v) "\""))))
        ((list? v) (string-append "[" (join (map encode v)) "]"))
        ((string? v) (json-string (string-append "s" v)))
        ((char? v) (json-string (string-append "h" (string v))))
        ((symbol? v) (json-string (string-append "y" (symbol->string v))))
        ((vector? v) (string-append "{\"vector\":[" (join (map encode (vector->list v))) "]}"))
        ((pair? v) (string-append "{\"pair\":[" (encode (car v)) "," (encode (cdr v)) "]}"))
        ((eq? v (##void)) "\"u\"")  ; Gambit's unspecified value, #!void
        (else (json-string (string-append "o" (without-prefix (object->string v)))))))

(define (gambit-exception? e)
  "Is E one of Gambit's own exceptions?  Their types have interned ids ##type-…;
a record type made by define-record-type has an uninterned one."
  (and (##structure? e)
       (let* ((id (##type-id (##structure-type e)))
              (name (symbol->string id)))
         (and (> (string-length name) 7)
              (string=? (substring name 0 7) "##type-")
              (eq? id (string->symbol name))))))

(define (one-line text)
  "TEXT with its lines joined by spaces, the last newline dropped."
  (let loop ((cs (string->list text)) (out '()))
    (cond ((null? cs) (list->string (reverse out)))
          ((char=? (car cs) #\newline)
           (loop (cdr cs) (if (null? (cdr cs)) out (cons #\space out))))
          (else (loop (cdr cs) (cons (car cs) out))))))

(define (exception-text e)
  "Gambit's own text for the exception E: lines, each ending in a newline."
  (call-with-output-string "" (lambda (port) (display-exception e port))))

(define (condition-text e)
  "E as (KIND . MESSAGE)."
  (cond ((error-exception? e)
         (let ((message (error-exception-message e)))
           (cons "error"
                 (without-prefix
                   (apply string-append
                          (if (string? message) message (object->string message))
                          (map (lambda (x) (string-append " " (object->string x)))
                               (error-exception-parameters e)))))))
        ((gambit-exception? e)
         (cons (symbol->string (##type-name (##structure-type e)))
               (without-prefix
                 (one-line (exception-text e)))))
        (else (cons "raise" (without-prefix (object->string e))))))

(define out (current-output-port))

(define (emit text)
  (write-string text out)
  (newline out)
  (force-output out))

(define (error-line id e)
  (let ((c (condition-text e)))
    (string-append "[" (if id (number->string id) "null") ",\"error\","
                   (json-string (car c)) "," (json-string (cdr c)) "]")))

;; ---------------------------------------------------------------- requests

;; A request is one line, read with `read`.  guile.scm splits flat requests
;; by hand because that beats Guile's reader; here it does not: gsi (or
;; gsc -i) interprets this shim, and Gambit's reader, compiled, reads a line of
;; numbers in half the time a split by read-line and string->number takes.
(define (parse-request line)
  (read (open-input-string line)))

;; Requests are read from `in`, standard input opened again as ISO-8859-1
;; (see the header): one character per byte, so that the bytes of a binary
;; block read as characters lose nothing.  A request line holding other than
;; ASCII is decoded again, from UTF-8.  If standard input cannot be opened
;; again, requests are read from it as before, and blocks are refused.
(define in (current-input-port))
(define bytes-in? #f)   ; is `in` standard input read byte by byte?

(define (open-requests!)
  (with-exception-catcher
    (lambda (e) #f)
    (lambda ()
      (set! in (open-input-file
                 (list path: "/dev/stdin" char-encoding: 'ISO-8859-1 eol-encoding: 'lf)))
      (set! bytes-in? #t))))

(define (latin-1->bytes text)
  "The bytes TEXT was read from, one character each."
  (call-with-output-u8vector '(char-encoding: ISO-8859-1) (lambda (port) (write-string text port))))

(define (request-line)
  (let ((line (read-line in)))
    (if (or (eof-object? line) (not bytes-in?)
            (= (u8vector-length (string->utf8 line)) (string-length line)))
        line
        (utf8->string (latin-1->bytes line)))))

;; The same, compiled with the server (below): a loop over the characters,
;; which interpreted would cost more than the conversion above.
(define request-line-code
  '(lambda ()
     (let ((line (read-line in)))
       (if (or (eof-object? line) (not bytes-in?))
           line
           (let ascii ((i (- (string-length line) 1)))
             (cond ((< i 0) line)
                   ((char<? (string-ref line i) #\x80) (ascii (- i 1)))
                   (else (utf8->string (latin-1->bytes line)))))))))

(define (binary-header? line)
  (and (> (string-length line) 2) (char=? (string-ref line 1) #\b) (char=? (string-ref line 0) #\()))

(define (answer-text id v)
  (string-append "[" (number->string id) ",\"ok\"," (encode v) "]"))

(define (serve procs)
  ;; One handler for a run of calls, not one per call: a call that raises
  ;; answers its error, and serving goes on with the next line.
  (let outer ()
    (let ((id #f))
      (if (with-exception-catcher
            (lambda (e)
              (emit (error-line id e))
              #t)
            (lambda ()
              (let loop ((line (request-line)))
                (cond ((eof-object? line) #f)
                      ((binary-header? line)
                       (binary-server procs line)
                       (loop (request-line)))
                      (else
                       (let ((req (parse-request line)))
                         (set! id (car req))
                         (emit (answer-text id (apply (vector-ref procs (cadr req)) (cddr req))))
                         (set! id #f)
                         (loop (request-line))))))))
          (outer)))))

;; ---------------------------------------------------------------- binary blocks

;; The bytes of a number are moved in and out of one-element f64, s64, u32
;; and u16 vectors with ##subu8vector-move!, which copies bytes whatever the
;; vectors' element types: a double goes in and comes out as its 8 bytes, no
;; digits printed or read.  The host's byte order is the wire's (checked at
;; start-up: little-endian, as on x86-64 and ARM); on any other the shim
;; refuses the blocks (little-endian? below) and the runner sends text.
(define little-endian?
  (let ((cell (make-u16vector 1 1)) (bytes (make-u8vector 2 0)))
    (##subu8vector-move! cell 0 2 bytes 0)
    (= (u8vector-ref bytes 0) 1)))

;; A NaN argument is the NaN the text path's +nan.0 reads as, whatever its payload.
(define wire-nan (read (open-input-string "+nan.0")))

(define block-flush-seconds .002)  ; answers are flushed in bursts this far apart

;; The server of a block, as code: evaluated here, interpreted, as this file
;; loads (before the namespace of the files is declared), and compiled with
;; the concept sources' compiler when the runner gives --server KEY (see the
;; header).  Its free names are this file's globals.
(define binary-server-code
  '(lambda (procs line)
     (if (not (and little-endian? bytes-in?))
         (error "binary blocks need a little-endian host and standard input read by byte"))
     (let* ((header (read (open-input-string line)))   ; (b ID COUNT SIZE)
            (id0 (cadr header))
            (count (caddr header))
            (size (cadddr header))
            (text (read-string size in)))
       (if (= (string-length text) size)   ; else standard input ended: serving ends
           (let ((data (latin-1->bytes text))
                 (f64 (make-f64vector 1 0.))
                 (s64 (make-s64vector 1 0))
                 (u32 (make-u32vector 1 0))
                 (u16 (make-u16vector 1 0))
                 (record (make-u8vector 9 0))   ; an answer of a double: 0 and its 8 bytes
                 (next 0)                        ; where the next datum starts in DATA
                 (row 0)                         ; the call being answered
                 (call-end 0)                    ; where the call after it starts
                 (flushed (real-time)))
             (define (u32-at at)
               (##subu8vector-move! data at (+ at 4) u32 0)
               (u32vector-ref u32 0))
             (define (double-at at)
               (##subu8vector-move! data at (+ at 8) f64 0)
               (let ((x (f64vector-ref f64 0)))
                 (if (= x x) x wire-nan)))
             (define (magnitude-at at)
               ;; the integer of the length (4 bytes) and the little-endian bytes at AT
               (let* ((n (u32-at at)) (start (+ at 4)))
                 (set! next (+ start n))
                 (let loop ((k (- n 1)) (m 0))
                   (if (< k 0) m (loop (- k 1) (+ (* m 256) (u8vector-ref data (+ start k))))))))
             (define (item)
               ;; the tagged datum at NEXT, which moves past it
               (let* ((at next) (tag (u8vector-ref data at)))
                 (cond ((eq? tag 0) (set! next (+ at 9)) (double-at (+ at 1)))
                       ((eq? tag 2)
                        (set! next (+ at 9))
                        (##subu8vector-move! data (+ at 1) (+ at 9) s64 0)
                        (s64vector-ref s64 0))
                       ((eq? tag 3) (set! next (+ at 5)) (items (u32-at (+ at 1))))
                       ((eq? tag 5)
                        (let ((n (u32-at (+ at 1))))
                          (set! next (+ at 5 (* 8 n)))
                          (let collect ((k (- n 1)) (xs '()))
                            (if (< k 0)
                                xs
                                (collect (- k 1) (cons (double-at (+ at 5 (* 8 k))) xs))))))
                       ((eq? tag 7)
                        (let ((m (magnitude-at (+ at 2))))
                          (if (eq? (u8vector-ref data (+ at 1)) 1) (- m) m)))
                       ((eq? tag 8)
                        (let* ((m (magnitude-at (+ at 2)))
                               (n (if (eq? (u8vector-ref data (+ at 1)) 1) (- m) m)))
                          (/ n (magnitude-at next))))
                       ((eq? tag 6)
                        (let ((n (u32-at (+ at 1))))
                          (set! next (+ at 5 n))
                          (parse-request (utf8->string (subu8vector data (+ at 5) (+ at 5 n))))))
                       (else (error "bad tag in a binary request:" tag)))))
             (define (items n)
               ;; N tagged data from NEXT on, as a list
               (if (eq? n 0) '() (let ((x (item))) (cons x (items (- n 1))))))
             (define (run)
               ;; answer the calls from ROW on: #t when all are answered, #f after
               ;; answering the error of one that raised (ROW is then the next)
               (with-exception-catcher
                 (lambda (e)
                   (write-u8 1 out)
                   (write-string (error-line (+ id0 row) e) out)
                   (newline out)
                   (force-output out)
                   (set! flushed (real-time))
                   (set! row (+ row 1))
                   #f)
                 (lambda ()
                   (let loop ()
                     (if (< row count)
                         (let ((at call-end))
                           ;; the call's size comes first, so that the next call is
                           ;; found even when this one's arguments cannot be read
                           (set! call-end (+ at 7 (u32-at (+ at 3))))
                           (set! next (+ at 7))
                           (##subu8vector-move! data at (+ at 2) u16 0)
                           (let* ((proc (vector-ref procs (u16vector-ref u16 0)))
                                  (arity (u8vector-ref data (+ at 2)))
                                  (v (cond ((eq? arity 1) (proc (item)))
                                           ((eq? arity 2) (let* ((x (item)) (y (item))) (proc x y)))
                                           (else (apply proc (items arity))))))
                             (if (flonum? v)
                                 (begin (f64vector-set! f64 0 v)
                                        (##subu8vector-move! f64 0 8 record 1)
                                        (write-subu8vector record 0 9 out))
                                 (begin (write-u8 1 out)
                                        (write-string (answer-text (+ id0 row) v) out)
                                        (newline out)))
                             (set! row (+ row 1))
                             (if (eq? 0 (bitwise-and row 31))   ; the clock read every 32 calls
                                 (let ((now (real-time)))
                                   (if (> (- now flushed) block-flush-seconds)
                                       (begin (force-output out) (set! flushed now)))))
                             (loop)))
                         #t)))))
             (let resume ()
               (if (not (run)) (resume)))
             (force-output out))))))

(define interpreted-server (eval binary-server-code))
(define binary-server interpreted-server)   ; or the compiled server, once loaded
(define server-key #f)                      ; --server KEY: names the compiled server in the cache

;; ---------------------------------------------------------------- start-up

;; A source is (FILE), interpreted, or (FILE KEY TEXT), compiled.
(define (parse-arguments args)
  "Return (CACHE LIBRARIES SOURCES NAMES) from the command line."
  (let loop ((args args) (dir #f) (libraries '()) (sources '()))
    (cond ((null? args) (error "no -- before the names"))
          ((string=? (car args) "--")
           (list dir (reverse libraries) (reverse sources) (cdr args)))
          ((string=? (car args) "--cache")
           (loop (cddr args) (cadr args) libraries sources))
          ((string=? (car args) "--server")
           (set! server-key (cadr args))
           (loop (cddr args) dir libraries sources))
          ((string=? (car args) "--compile")
           (let ((key (list-ref args 1)) (text (list-ref args 2)) (file (list-ref args 3)))
             (loop (list-tail args 4) dir libraries (cons (list file key text) sources))))
          ((and (> (string-length (car args)) 0) (char=? (string-ref (car args) 0) #\())
           (loop (cdr args) dir (cons (read (open-input-string (car args))) libraries) sources))
          (else (loop (cdr args) dir libraries (cons (list (car args)) sources))))))

(define failure (list 'failure))  ; raised as (FAILURE KIND MESSAGE): a load error found by the shim

(define (fail kind message)
  "Report a load error (KIND MESSAGE) once the code running is unwound."
  (raise (list failure kind message)))

(define (load-error kind message)
  (emit (string-append "[\"load-error\"," (json-string kind) "," (json-string message)
                       "," (json-string loading) "]"))
  (exit 2))

(define (first-line text)
  (let loop ((i 0))
    (cond ((= i (string-length text)) text)
          ((char=? (string-ref text i) #\newline) (substring text 0 i))
          (else (loop (+ i 1))))))

(define (read-forms file name)
  "The forms in FILE, all read before any is evaluated.  Gambit's messages for
an unreadable file name neither the file nor the place: these are added, the
file named NAME (FILE may be the cache's copy of NAME's text)."
  (let ((port (with-exception-catcher
                (lambda (e)
                  (load-error (car (condition-text e))
                              (string-append (first-line (exception-text e)) ": " name)))
                (lambda () (open-input-file (list path: file char-encoding: 'UTF-8))))))
    ;; In R7RS foo: is a symbol; Gambit's reader makes it a keyword unless told not to.
    (input-port-readtable-set!
      port (readtable-keywords-allowed?-set (input-port-readtable port) #f))
    (let loop ((forms '()))
      (let ((form (with-exception-catcher
                    (lambda (e)
                      (let ((c (condition-text e)))
                        (load-error (car c) (string-append
                                              name ":" (number->string (input-port-line port))
                                              ":" (number->string (input-port-column port))
                                              ": " (cdr c)))))
                    (lambda () (read port)))))
        (if (eof-object? form)
            (begin (close-input-port port) (reverse forms))
            (loop (cons form forms)))))))

(define (load-source file)
  "Interpret FILE: read its forms, then evaluate them one at a time."
  (for-each eval (read-forms file file)))

;; ---------------------------------------------------------------- the compiled-file cache

;; A cache file is the object file (N bytes) followed by its trailer: its
;; KEY and the names the code uses and does not define, written as a list of
;; strings (M bytes), M (8 bytes), the mark and N (8 bytes), each length
;; big-endian.
(define trailer-mark (list->u8vector (map char->integer (string->list "triglot-o1"))))

(define (big-endian n)
  "N as 8 bytes, most significant first."
  (let ((out (make-u8vector 8 0)))
    (let loop ((i 7) (n n))
      (if (>= i 0)
          (begin (u8vector-set! out i (modulo n 256))
                 (loop (- i 1) (quotient n 256)))))
    out))

(define (from-big-endian data start)
  (let loop ((i 0) (n 0))
    (if (= i 8) n (loop (+ i 1) (+ (* n 256) (u8vector-ref data (+ start i)))))))

(define (add-trailer! path key uses)
  "Append the trailer to the object file PATH, compiled for KEY."
  (let ((n (file-size path))
        (names (string->utf8 (call-with-output-string "" (lambda (port) (write (cons key uses) port))))))
    (call-with-output-file (list path: path append: #t)
      (lambda (port)
        (for-each (lambda (bytes) (write-subu8vector bytes 0 (u8vector-length bytes) port))
                  (list names (big-endian (u8vector-length names)) trailer-mark (big-endian n)))))))

(define (trailer-uses path key)
  "The names the code in the cache file PATH uses, from its trailer; #f if the
file does not end with a trailer that fits it (cut short, or not a cache file)
or was compiled for another KEY."
  (with-exception-catcher
    (lambda (e) #f)
    (lambda ()
      (let* ((size (file-size path))
             (mark-size (u8vector-length trailer-mark))
             (data (make-u8vector size)))
        (and (= (call-with-input-file path (lambda (port) (read-subu8vector data 0 size port)))
                size)
             (>= size (+ 16 mark-size))
             (equal? (subu8vector data (- size 8 mark-size) (- size 8)) trailer-mark)
             (let* ((n (from-big-endian data (- size 8)))
                    (m-at (- size 16 mark-size))
                    (m (from-big-endian data m-at)))
               (and (= (+ n m 16 mark-size) size)
                    (let ((uses (read (open-input-string (utf8->string (subu8vector data n m-at))))))
                      (and (list? uses) (every-string? uses) (pair? uses)
                           (string=? (car uses) key)
                           (cdr uses))))))))))

(define (every-string? xs)
  (or (null? xs) (and (string? (car xs)) (every-string? (cdr xs)))))

(define (c-string line)
  "The C string literal in LINE, as a string: its escapes are Scheme's, and
its bytes (a non-ASCII character is escaped byte by byte) UTF-8."
  (let loop ((i 0) (start #f) (end #f))
    (cond ((= i (string-length line))
           (let ((bytes (read (open-input-string (substring line start (+ end 1))))))
             (utf8->string (list->u8vector (map char->integer (string->list bytes))))))
          ((char=? (string-ref line i) #\") (loop (+ i 1) (or start i) i))
          (else (loop (+ i 1) start end)))))

(define (c-file-uses file)
  "The global names the C file made by Gambit's compiler uses without defining
them: its table of globals lists first the ___SUPCOUNT names it defines."
  (call-with-input-file file
    (lambda (port)
      (let loop ((line (read-line port)) (defined #f) (uses '()) (i 0))
        (cond ((eof-object? line) (reverse uses))
              ((string-prefix? "#define ___SUPCOUNT " line)
               (loop (read-line port)
                     (string->number (substring line 20 (string-length line))) uses i))
              ((string-prefix? "___DEF_GLO(" line)
               (loop (read-line port) defined
                     (if (< i defined) uses (cons (c-string line) uses))
                     (+ i 1)))
              (else (loop (read-line port) defined uses i)))))))

(define (string-prefix? prefix s)
  (and (>= (string-length s) (string-length prefix))
       (string=? (substring s 0 (string-length prefix)) prefix)))

(define (check-uses uses)
  "Raise, for the first name in USES that is bound nowhere, the exception the
interpreter raises for it (Unbound variable: NAME)."
  (for-each (lambda (name)
              (let ((symbol (string->symbol name)))
                (if (##unbound? (##global-var-ref (##make-global-var symbol)))
                    (##raise-unbound-global-exception #f #f symbol))))
            uses))

(define (cache-file key)
  (and cache (string-append cache "/" key ".o1")))

;; The first form of every compiled unit calls this, before any of the
;; source's own: an exception raised before it comes from Gambit's loader
;; (the file is damaged, or not what it claims to be), one raised after it
;; from the source, and that one is the source's load error.  A name with a
;; # in it is outside the namespace of the files.
(define entered #f)
(define (triglot-shim#enter!) (set! entered #t))

(define (run-object path)
  "Load the object file PATH and run its code.  Return #t, or #f when Gambit
would not load it; the code's own exception, if it raises one, is returned
inside a vector, for the caller to raise once its file is seen to."
  (set! entered #f)
  (with-exception-catcher
    (lambda (e) (and entered (vector e)))
    (lambda () (load path) #t)))

(define (raise-if-raised outcome)
  (if (vector? outcome) (raise (vector-ref outcome 0)) outcome))

(define (try thunk)
  "THUNK's value, or #f if it raises: for the file operations a cache may refuse."
  (with-exception-catcher (lambda (e) #f) thunk))

(define (temporary-folder)
  "A new folder, for the files of one compilation: in the cache when it can be
written, else in TMPDIR or /tmp.  Its name is new: create-directory fails on
a folder that exists, so two processes never share one."
  (let ((bases (append (if cache (list cache) '())
                       (list (or (get-environment-variable "TMPDIR") "/tmp")))))
    (let loop ((bases bases) (tries 0))
      (cond ((null? bases) (error "no folder to compile in"))
            ((= tries 5) (loop (cdr bases) 0))
            (else
             (let ((folder (string-append (car bases) "/.compile-"
                                          (number->string (random-integer 1000000000000) 16))))
               (if (try (lambda () (create-directory folder) #t))
                   folder
                   (loop bases (+ tries 1)))))))))

(define (remove-folder folder)
  (for-each (lambda (f) (try (lambda () (delete-file (string-append folder "/" f)))))
            (or (try (lambda () (directory-files (list path: folder ignore-hidden: #f)))) '()))
  (try (lambda () (delete-directory folder))))

(define (quietly thunk)
  "THUNK's value, and what it printed (the compiler prints its errors)."
  (let* ((port (open-output-string))
         (value (with-exception-catcher
                  (lambda (e) (write-string (exception-text e) port) #f)
                  (lambda () (parameterize ((current-output-port port)) (thunk))))))
    (values value (get-output-string port))))

(define (compile-unit forms key folder)
  "Compile FORMS, the namespace declarations at their head, to FOLDER/KEY.o1.
Return the object file and the names its code uses without defining them, or
#f and the compiler's messages.  Gambit names the code's entry point after
the object file, so the C file is KEY.o1.c, and the cache's file KEY.o1."
  (compile-expression `(begin ,@declarations (triglot-shim#enter!) ,@forms) key folder))

(define (compile-expression expression key folder)
  "Compile EXPRESSION to FOLDER/KEY.o1, as compile-unit does."
  (call-with-values
    (lambda ()
      (quietly (lambda ()
                 (compile-file-to-target
                   (string-append folder "/" key ".scm")
                   expression: expression
                   output: (string-append folder "/" key ".o1.c")))))
    (lambda (c-file messages)
      (if c-file
          (call-with-values
            (lambda ()
              (quietly (lambda () (compile-file c-file output: (string-append folder "/" key ".o1")))))
            (lambda (object messages)
              (if object
                  (values object (c-file-uses c-file))
                  (values #f messages))))
          (values #f messages)))))

(define (compile-failed forms messages)
  "Compiling a source failed: interpret it, so that its error is the one the
interpreter gives (a syntax error: an ill-formed form), or else report the
compiler's own messages (no C compiler, say)."
  (for-each eval forms)
  (fail "compile-error"
        (string-append "Gambit could not compile it (gsc compiles through gcc): "
                       (without-prefix (one-line messages)))))

(define (compile-and-load key text file)
  "Compile TEXT (FILE's text), run its code, and keep the object file under KEY.
If TEXT is gone (the cache was emptied meanwhile), compile FILE and keep nothing."
  (let* ((keep? (and cache (file-exists? text)))
         (forms (read-forms (if (file-exists? text) text file) file))
         (folder (temporary-folder)))
    (dynamic-wind
      (lambda () #f)
      (lambda ()
        (call-with-values
          (lambda () (compile-unit forms key folder))
          (lambda (object uses)
            (if (not object) (compile-failed forms uses))
            (add-trailer! object key uses)
            (set! compiled (+ compiled 1))
            ;; Run from the folder it was compiled in, not from the cache:
            ;; the system's loader would take a file at the cache's path for
            ;; the damaged one it may have opened there already.  The file
            ;; is kept even when the source raises: its next start fails the same.
            (let ((outcome (with-exception-catcher
                             (lambda (e) (vector e))
                             (lambda () (check-uses uses) (run-object object)))))
              (if (not outcome)
                  (fail "compile-error" "Gambit would not load the code it compiled"))
              (if keep?
                  (try (lambda () (rename-file object (cache-file key)))))
              (raise-if-raised outcome)))))
      (lambda () (remove-folder folder)))))

(define (load-compiled key text file)
  "Load FILE compiled: from the cache if it holds KEY, else compiled now.  A
damaged file, or one Gambit will not load, is compiled again and replaced."
  (let* ((object (cache-file key))
         (uses (and object (file-exists? object) (trailer-uses object key))))
    (if uses (check-uses uses))
    (let ((outcome (and uses (run-object object))))
      (if outcome
          (begin (set! cached (+ cached 1))
                 (raise-if-raised outcome))
          (compile-and-load key text file)))))

(define (cache-folder dir)
  "DIR's folder for the compiled files of this Gambit: its version names it.
Return #f if it cannot be made."
  (let ((folder (string-append dir "/gambit-" (system-version-string) "-" (system-type-string))))
    (try (lambda () (create-directory dir)))
    (try (lambda () (create-directory folder)))
    (and (file-exists? folder) folder)))

(define (load-sources sources)
  (for-each (lambda (source)
              (set! loading (car source))
              (if (null? (cdr source))
                  (load-source (car source))
                  (load-compiled (cadr source) (caddr source) (car source))))
            sources)
  (set! loading ""))

(define (triglot-shim#server! server reader)
  (set! binary-server server)
  (set! request-line reader))

(define (server-unit)
  "The compiled server's unit: in Gambit's own namespace, with Gambit's
procedures inlined (standard and extended bindings), the shim's globals
looked up when it runs."
  `(begin (##namespace ("")) (##declare (standard-bindings) (extended-bindings))
          (triglot-shim#enter!) (triglot-shim#server! ,binary-server-code ,request-line-code)))

(define (load-server)
  "Load the compiled server kept in the cache as server/KEY.o1, or compile it
now and keep it there.  Anything going wrong leaves the interpreted server."
  (let* ((folder (string-append cache "/server"))
         (object (string-append folder "/" server-key ".o1")))
    (try (lambda () (create-directory folder)))
    (or (and (file-exists? object)
             (trailer-uses object server-key)
             (eq? (run-object object) #t))
        (let ((work (temporary-folder)))
          (dynamic-wind
            (lambda () #f)
            (lambda ()
              (call-with-values
                (lambda () (compile-expression (server-unit) server-key work))
                (lambda (made uses)
                  (and made
                       (begin (add-trailer! made server-key uses)
                              (and (eq? (run-object made) #t)
                                   (try (lambda () (rename-file made object) #t))))))))
            (lambda () (remove-folder work)))))))

(define (lookup name)
  "The value NAME has in the environment, as the files would see it."
  (with-exception-catcher
    (lambda (e)
      (emit (string-append "[\"missing\"," (json-string name) "]"))
      (exit 3))
    (lambda () (eval (string->symbol name)))))

(define (main args)
  (let ((parsed (parse-arguments args)))
    (set! cache (and (car parsed) (cache-folder (car parsed))))
    (random-source-randomize! default-random-source)  ; for the names of temporary folders
    (make-environment (cadr parsed))
    (load-sources (caddr parsed))
    (if (and cache server-key) (try load-server))
    (open-requests!)
    (let ((procs (list->vector (map lookup (cadddr parsed)))))
      (emit (string-append "[\"ready\"," (number->string (vector-length procs))
                           "," (number->string compiled) "," (number->string cached) "]"))
      (serve procs)
      (exit 0))))

(with-exception-catcher
  (lambda (e)
    (if (and (pair? e) (eq? (car e) failure))
        (load-error (cadr e) (caddr e))
        (let ((c (condition-text e)))
          (load-error (car c) (cdr c)))))
  (lambda () (main (cdr (command-line)))))

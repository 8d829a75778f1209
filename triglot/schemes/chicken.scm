;;; chicken.scm — the CHICKEN 5 shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   csi -s chicken.scm [--cache DIR [--server KEY]] [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment;
;;;          a SOURCE is FILE (read and evaluated form by form: interpreted) or
;;;          --compile KEY TEXT FILE (compiled: TEXT holds FILE's text, KEY names it)
;;; startup: ["ready",COUNT,COMPILED,CACHED]  or  ["load-error",KIND,MESSAGE,FILE]
;;;          or  ["missing",NAME]; COMPILED sources were compiled now, CACHED ones
;;;          were loaded from the cache
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; binary:  (b ID COUNT SIZE) followed by SIZE bytes: COUNT calls, with IDs
;;;          ID, ID+1, ..., each its INDEX, its ARGs tagged (a double as its
;;;          8 bytes, an exact integer as 8 bytes or a sign and a magnitude, a
;;;          ratio as two, a list item by item, any other datum as its text),
;;;          as guile.scm's header gives them.  Each call is answered, in
;;;          order: the byte 0 and the result's 8 bytes when it is a flonum
;;;          (not a NaN), else the byte 1 and the call's ordinary answer line;
;;;          a call that raises answers its error and the block goes on.  The
;;;          answers are flushed about every 2 ms and at the end of the block.
;;; answer:  [ID,"ok",V]  or  [ID,"error",KIND,MESSAGE]
;;;          V is "f<real>" (inexact), "x<real>" (exact), "c<re> <im>"
;;;          (non-real), true/false, or a JSON array of V; and, for the
;;;          phrasebook, "s<string>", "h<char>", "y<symbol>", "u" (unspecified),
;;;          {"vector":[V,...]}, {"pair":[V,V]}, "o<printed object>".
;;;
;;; The protocol is guile.scm's, binary blocks, compiled sources and cache
;;; included.  What CHICKEN 5.3 needed that Guile did not, and why:
;;;
;;; The environment.  CHICKEN 5's core has no R7RS libraries (they come with
;;; the r7rs egg, which is not installed), so the modules triglot.r7rs.base,
;;; triglot.r7rs.inexact, triglot.r7rs.char, ... below build them: each
;;; re-exports CHICKEN's own procedures and syntax under their R7RS names, from
;;; the core modules scheme, chicken.base, chicken.condition, chicken.io,
;;; srfi-4 and a few more, and defines the names CHICKEN lacks (exact, square,
;;; string-map, guard, ...) or whose CHICKEN version takes fewer arguments than
;;; R7RS's (string->list without start and end, two-argument string=?, ...) as
;;; small wrappers around CHICKEN procedures.  Everything runs on CHICKEN's own
;;; numbers and arithmetic: exact->inexact, expt, exp and log are CHICKEN's.
;;;
;;; The sources are evaluated by CHICKEN's `eval`, one form at a time, inside
;;; an unfinished module, triglot.sources, that imports only those libraries:
;;; (eval form) with the module as ##sys#current-module and the module's
;;; import tables as ##sys#current-environment and ##sys#macro-environment
;;; (internal parameters of CHICKEN's expander; `module-environment` gives
;;; only read-only environments, and a whole `(module ...)` form refuses, when
;;; it ends, a body that names an unbound variable, where Guile fails only when
;;; the call is made).  So a definition makes triglot.sources#NAME, a CHICKEN
;;; name that is not imported is unbound (an error when the code runs, as in
;;; Guile), and `import` itself is taken out of the environment.  Two things
;;; cannot be hidden: qualified names (chicken.base#add1, ##sys#slot) and
;;; ##core# forms reach CHICKEN's internals from any environment.
;;; A top-level definition of an imported name (say `square`) would assign
;;; CHICKEN's own global in eval; here it first gets a binding of its own in
;;; the module, which is what Guile does.
;;;
;;; Errors.  CHICKEN's conditions are property lists of kinds; R7RS `error`
;;; is wrapped so that its condition also has the kind r7rs-error (CHICKEN's
;;; own `error` makes the same bare exn condition as its runtime errors, say an
;;; unbound variable), and answers KIND "error".  Any other condition answers
;;; its kinds other than exn, joined by "/" ("type", "bounds", "arithmetic",
;;; "arity", "runtime", "syntax", "i/o/file"), or "exn" when it has no other,
;;; and CHICKEN's own text: "(LOCATION) MESSAGE: ARGUMENT ...".
;;; CHICKEN's with-exception-handler keeps the handler installed while it runs
;;; (R7RS installs the outer one), so a handler that raises would call itself
;;; forever; R7RS's with-exception-handler, raise-continuable and guard are
;;; defined on top of it.
;;;
;;; Numbers, both ways.  CHICKEN's reader and string->number are not correctly
;;; rounded (one double in six, as Python's repr prints it, reads back one unit
;;; in the last place off), and neither is exact->inexact of a ratio whose
;;; numerator or denominator passes 2^53.  So the shim reads a request's
;;; decimal number exactly (string->number with #e, which is exact) and rounds
;;; it itself: with one IEEE division when numerator and denominator are both
;;; below 2^53 (exact operands, so the quotient is correctly rounded), else by
;;; integer division rounded half to even (subnormals included), scaled by an
;;; exact power of two; -0.0 keeps its sign.  CHICKEN prints flonums with 15
;;; significant digits (flonum-print-precision), which does not round-trip;
;;; answers are printed with 17, which does, while the concept code keeps
;;; CHICKEN's 15.  The sources themselves are read by CHICKEN's reader, as
;;; CHICKEN would read them.
;;;
;;; The binary path reads and prints no decimal: a double argument's 8 bytes
;;; are copied (move-memory!) into a u8vector that an f64vector shares
;;; (u8vector->blob/shared, blob->f64vector/shared), and read from there, and
;;; a flonum result is written through the same kind of pair.  That gives
;;; exactly the text path's values, since the text path reads exactly and
;;; prints 17 digits, which read back as the same double; and without the
;;; exact reading and the printing, blocks answer five to ten times as many
;;; calls a second as text lines do (doubles, and a mixed batch, measured
;;; side by side).  NaNs keep the text path's
;;; bits: a NaN argument, whatever its sign and payload, is the shim's
;;; +nan.0, which is what the text path reads for any NaN, and a NaN result
;;; is answered by its text line.  An exact integer of 8 bytes is read through
;;; an s64vector, a longer one and a ratio from their bytes, exactly, and any
;;; other datum (#t, say) from its text by the request reader.  The bytes on
;;; the wire are little-endian, which srfi-4 vectors are on a little-endian
;;; machine; on a big-endian one the 8 bytes are reversed as they are copied.
;;;
;;; The binary loop is kept apart, as data (binary-server-code below), and
;;; made into a procedure once: with a cache and a --server KEY (the caller
;;; hashes this shim), compiled by csc, as KEY.server in the cache (CHICKEN's
;;; version and machine name its folder, a trailer marks it whole, as the
;;; sources' objects), at start-up, so that no block waits for the compiler;
;;; else, or if anything goes wrong, by eval, which makes blocks two to four
;;; times slower (still twice as fast as text lines).  It is compiled with
;;; CHICKEN's usual integrations: it only moves bytes and calls the concept
;;; procedures, whose own code is compiled as above, without them.
;;;
;;; Text.  CHICKEN 5's strings are strings of bytes: a source's UTF-8 text
;;; stays UTF-8, but a character above 255 put into a string keeps only its
;;; low byte (CHICKEN's own behaviour).  Bytes that are not UTF-8 are sent as
;;; the Latin-1 characters they are, so every answer is valid JSON.
;;;
;;; Libraries: (scheme base), (scheme inexact), (scheme char), (scheme cxr),
;;; (scheme case-lambda), (scheme complex), (scheme lazy), (scheme write),
;;; (scheme read), (scheme time), (scheme file), (scheme process-context).
;;; Any other, (srfi srfi-1) say, is not in CHICKEN's core and fails at start.
;;;
;;; The compiled-file cache.  The shim runs interpreted (csi -s); a source
;;; given as --compile KEY TEXT FILE is compiled by CHICKEN's compiler, csc,
;;; through the C compiler, to a shared object that the shim loads; it runs
;;; three to four times faster than evaluated (a fit-newton step on the
;;; breast-cancer data).  Compiling takes most of a second a source, mostly in
;;; the C compiler, so the object is kept as DIR/chicken-VERSION-MACHINE/KEY.so
;;; and loaded from there at the next start.  KEY and TEXT are as for Guile
;;; (guile.scm's header): KEY hashes this shim, the libraries and the texts of
;;; this source and of every source before it; TEXT is a copy of FILE's text;
;;; CHICKEN's version and machine name the folder.
;;; So a changed source, shim, library list or CHICKEN looks for a new file
;;; and compiles it afresh: a stale file is never loaded.  One source makes
;;; one object: COMPILED and CACHED count sources.
;;;
;;; The compiled code sees exactly what evaluated code sees.  The compiler
;;; is given a file holding one macro, and expanding it (in the compiler)
;;; evaluates this file's modules, makes triglot.sources and its environment
;;; as make-environment does below, takes from the sources before this one
;;; what evaluating them does to the environment besides defining values
;;; (their syntax, their shadowed imports), and hands that environment to
;;; the compiler as its current module and environment, then the source's
;;; forms, read from TEXT as the shim reads them, one at a time, each after
;;; its imported names are shadowed, as eval-in-sources does.  The module is
;;; never finished, so a name that is not imported compiles to
;;; triglot.sources#NAME and is unbound when the code runs, as in eval; a
;;; definition compiles to the global triglot.sources#NAME, which the later
;;; sources and the look-up of the NAMEs find as they find evaluated ones.
;;; After loading the object, the shim does to its own environment what the
;;; source's forms do besides defining values.  No concept file defines an
;;; imported name; an extra source compiled with them may.
;;;
;;; No optimisation changes what the code computes: the compiler gets
;;; -no-usual-integrations, so every standard procedure is called, as eval
;;; calls it, never inlined or folded at compile time.  With CHICKEN's usual
;;; integrations the compiled code runs about four times faster still, but a
;;; two-argument + is then one IEEE addition, where the + procedure starts
;;; from an exact 0 (portability/chicken.toml, chicken-sum-from-exact-zero):
;;; (linear-prediction -0.0 1.0 -0.0) would be -0.0 compiled, 0.0 evaluated.
;;;
;;; Errors.  The shim reads a source before compiling it, so a read error is
;;; the evaluated one; an error its code raises while it loads is the error
;;; evaluation raises; when the compiler refuses a source, the shim evaluates
;;; it to raise the error evaluation raises (a syntax error, say), and if
;;; that raises none, reports the compiler's own ("compile").  The object
;;; first sets unit-key to its KEY: a file that does not, would not load, or
;;; lacks its trailer ("triglot-so" and the object's length, which the
;;; dynamic loader ignores) is damaged, and is compiled again and replaced.
;;; The compiler works in a folder of its own in the cache, and the object
;;; is renamed into place, so two processes starting at once never see half
;;; of one.  Without DIR, or when DIR cannot be written (the compiler then
;;; works in $TMPDIR), or when TEXT is gone (the source is then compiled from
;;; FILE), nothing is kept.

;; csi compiles each form it evaluates to closures that record a call
;; history for error reports; without it (level 0) they run faster, here and
;; in the sources.  The history is never shown: an answer carries only the
;; condition's kind and message.
(##sys#eval-debug-level 0)

;; ---------------------------------------------------------------- the R7RS libraries

(module triglot.r7rs.base
  (;; syntax
   define lambda if quote set! begin let let* letrec letrec* let-values let*-values
   define-values define-record-type define-syntax let-syntax letrec-syntax syntax-rules
   cond case and or when unless do quasiquote parameterize guard
   include include-ci cond-expand syntax-error
   ;; procedures
   * + - / < <= = > >= abs append apply assoc assq assv binary-port? boolean=? boolean?
   bytevector bytevector-append bytevector-copy bytevector-copy! bytevector-length
   bytevector-u8-ref bytevector-u8-set! bytevector? caar cadr call-with-current-continuation
   call-with-port call-with-values call/cc car cdar cddr cdr ceiling char->integer char-ready?
   char<=? char<? char=? char>=? char>? char? close-input-port close-output-port close-port
   complex? cons current-error-port current-input-port current-output-port denominator
   dynamic-wind eof-object eof-object? eq? equal? eqv? error error-object-irritants
   error-object-message error-object? even? exact exact-integer-sqrt exact-integer? exact?
   expt features file-error? floor floor-quotient floor-remainder floor/ flush-output-port
   for-each gcd get-output-bytevector get-output-string inexact inexact? input-port-open?
   input-port? integer->char integer? lcm length list list->string list->vector list-copy
   list-ref list-set! list-tail list? make-bytevector make-list make-parameter make-string
   make-vector map max member memq memv min modulo negative? newline not null?
   number->string number? numerator odd? open-input-bytevector open-input-string
   open-output-bytevector open-output-string output-port-open? output-port? pair? peek-char
   peek-u8 positive? procedure? quotient raise raise-continuable rational? rationalize
   read-bytevector read-bytevector! read-char read-error? read-line read-string read-u8 real?
   remainder reverse round set-car! set-cdr! square string string->list string->number
   string->symbol string->utf8 string->vector string-append string-copy string-copy!
   string-fill! string-for-each string-length string-map string-ref string-set! string<=?
   string<? string=? string>=? string>? string? substring symbol->string symbol=? symbol?
   textual-port? truncate truncate-quotient truncate-remainder truncate/ u8-ready?
   utf8->string values vector vector->list vector->string vector-append vector-copy
   vector-copy! vector-fill! vector-for-each vector-length vector-map vector-ref vector-set!
   vector? with-exception-handler write-bytevector write-char write-string write-u8 zero?)

  (import (except scheme string->list string-copy vector->list vector-fill! string-fill!
                  member assoc char<=? char<? char=? char>=? char>? string<=? string<?
                  string=? string>=? string>? delay force)
          (only chicken.base call/cc current-error-port define-record-type define-values
                exact-integer-sqrt exact-integer? flush-output get-output-string include
                input-port-open? let*-values let-values letrec* make-parameter
                open-input-string open-output-string output-port-open? parameterize
                quotient&remainder unless when void port?)
          (only chicken.module cond-expand)
          (only chicken.condition abort condition? condition-predicate get-condition-property
                make-composite-condition make-property-condition current-exception-handler)
          (only chicken.io read-line read-string read-byte write-byte)
          (only chicken.keyword keyword->string)
          (only chicken.blob blob->string string->blob)
          (only srfi-4 u8vector u8vector? make-u8vector u8vector-ref u8vector-set!
                u8vector-length subu8vector read-u8vector write-u8vector
                u8vector->blob blob->u8vector))

  ;; R7RS comparisons take any number of arguments; CHICKEN's scheme module's, two.
  (define (chain two)
    (lambda (a b . more)
      (let loop ((a a) (b b) (more more))
        (if (null? more)
            (two a b)
            (and (two a b) (loop b (car more) (cdr more)))))))
  (define char=? (chain scheme#char=?))
  (define char<? (chain scheme#char<?))
  (define char>? (chain scheme#char>?))
  (define char<=? (chain scheme#char<=?))
  (define char>=? (chain scheme#char>=?))
  (define string=? (chain scheme#string=?))
  (define string<? (chain scheme#string<?))
  (define string>? (chain scheme#string>?))
  (define string<=? (chain scheme#string<=?))
  (define string>=? (chain scheme#string>=?))
  (define (boolean=? a b . more)
    (unless (and (boolean? a) (boolean? b)) (abort-type 'boolean=? a b))
    (apply (chain eq?) a b more))
  (define (symbol=? a b . more)
    (unless (and (symbol? a) (symbol? b)) (abort-type 'symbol=? a b))
    (apply (chain eq?) a b more))
  (define (abort-type where . args)
    (abort (make-composite-condition
            (make-property-condition 'exn 'message "bad argument type" 'arguments args
                                     'location where)
            (make-property-condition 'type))))

  ;; numbers
  (define exact inexact->exact)
  (define inexact exact->inexact)
  (define (square x) (* x x))
  (define (floor-quotient n d) (quotient (- n (modulo n d)) d))
  (define floor-remainder modulo)
  (define (floor/ n d) (values (floor-quotient n d) (modulo n d)))
  (define truncate-quotient quotient)
  (define truncate-remainder remainder)
  (define truncate/ quotient&remainder)

  ;; lists
  ;; CHICKEN's core has no make-list; like its make-vector and make-string,
  ;; this one refuses a count that is not a fixnum (a type error), where a
  ;; bare loop would make a list of 3 from 2.5.
  (define (make-list n #!optional (fill (void)))
    (##sys#check-fixnum n 'make-list)
    (let loop ((n n) (out '()))
      (if (<= n 0) out (loop (- n 1) (cons fill out)))))
  (define (list-copy x)
    (if (pair? x) (cons (car x) (list-copy (cdr x))) x))
  (define (list-set! l k x) (set-car! (list-tail l k) x))
  (define (member x l #!optional (same? equal?))
    (let loop ((l l))
      (cond ((null? l) #f)
            ((same? x (car l)) l)
            (else (loop (cdr l))))))
  (define (assoc x l #!optional (same? equal?))
    (let loop ((l l))
      (cond ((null? l) #f)
            ((same? x (caar l)) (car l))
            (else (loop (cdr l))))))

  ;; strings and vectors: R7RS's optional start and end
  (define (string->list s #!optional (start 0) (end (string-length s)))
    (scheme#string->list (substring s start end)))
  (define (string-copy s #!optional (start 0) (end (string-length s)))
    (substring s start end))
  ;; string-copy!, vector-copy!, string-fill!, vector-fill!: one loop each over any
  ;; indexed sequence (a copy runs backwards when it moves items to the right, so that a
  ;; sequence copied into itself is not overwritten before it is read)
  (define (sequence-copy! len ref set)
    (lambda (to at from #!optional (start 0) (end (len from)))
      (if (<= at start)
          (do ((i start (+ i 1)) (j at (+ j 1))) ((>= i end)) (set to j (ref from i)))
          (do ((i (- end 1) (- i 1)) (j (+ at (- end start 1)) (- j 1))) ((< i start))
            (set to j (ref from i))))))
  (define (sequence-fill! len set)
    (lambda (s x #!optional (start 0) (end (len s)))
      (do ((i start (+ i 1))) ((>= i end)) (set s i x))))
  (define string-copy! (sequence-copy! string-length string-ref string-set!))
  (define string-fill! (sequence-fill! string-length string-set!))
  (define (string->vector s #!optional (start 0) (end (string-length s)))
    (list->vector (string->list s start end)))
  (define (vector->string v #!optional (start 0) (end (vector-length v)))
    (list->string (vector->list v start end)))
  (define (vector->list v #!optional (start 0) (end (vector-length v)))
    (let loop ((i (- end 1)) (out '()))
      (if (< i start) out (loop (- i 1) (cons (vector-ref v i) out)))))
  (define (vector-copy v #!optional (start 0) (end (vector-length v)))
    (list->vector (vector->list v start end)))
  (define vector-copy! (sequence-copy! vector-length vector-ref vector-set!))
  (define vector-fill! (sequence-fill! vector-length vector-set!))
  (define (vector-append . vs)
    (list->vector (apply append (map (lambda (v) (vector->list v)) vs))))
  ;; string-map, string-for-each, vector-map, vector-for-each: one pair of loops over
  ;; any indexed sequence, stopping at the shortest (as R7RS says)
  (define (sequence-map len ref build)
    (lambda (f s . more)
      (let* ((all (cons s more)) (n (apply min (map len all))))
        (let loop ((i (- n 1)) (out '()))
          (if (< i 0)
              (build out)
              (loop (- i 1) (cons (apply f (map (lambda (x) (ref x i)) all)) out)))))))
  (define (sequence-for-each len ref)
    (lambda (f s . more)
      (let* ((all (cons s more)) (n (apply min (map len all))))
        (do ((i 0 (+ i 1))) ((>= i n)) (apply f (map (lambda (x) (ref x i)) all))))))
  (define string-map (sequence-map string-length string-ref list->string))
  (define string-for-each (sequence-for-each string-length string-ref))
  (define vector-map (sequence-map vector-length vector-ref list->vector))
  (define vector-for-each (sequence-for-each vector-length vector-ref))

  ;; bytevectors are SRFI-4 u8vectors
  (define bytevector u8vector)
  (define bytevector? u8vector?)
  (define (make-bytevector n #!optional (fill 0)) (make-u8vector n fill))
  (define bytevector-u8-ref u8vector-ref)
  (define bytevector-u8-set! u8vector-set!)
  (define bytevector-length u8vector-length)
  (define (bytevector-copy b #!optional (start 0) (end (u8vector-length b)))
    (subu8vector b start end))
  (define bytevector-copy! (sequence-copy! u8vector-length u8vector-ref u8vector-set!))
  (define (bytevector-append . bs)
    (let* ((n (apply + (map u8vector-length bs))) (out (make-u8vector n 0)))
      (let loop ((bs bs) (at 0))
        (if (null? bs)
            out
            (begin (bytevector-copy! out at (car bs))
                   (loop (cdr bs) (+ at (u8vector-length (car bs)))))))))
  (define (utf8->string b #!optional (start 0) (end (u8vector-length b)))
    (blob->string (u8vector->blob (subu8vector b start end))))
  (define (string->utf8 s #!optional (start 0) (end (string-length s)))
    (blob->u8vector (string->blob (substring s start end))))

  ;; ports: CHICKEN's ports are both textual and binary
  (define binary-port? port?)
  (define textual-port? port?)
  (define (close-port p)
    (if (input-port? p) (close-input-port p))
    (if (output-port? p) (close-output-port p)))
  (define (call-with-port p f)
    (call-with-values (lambda () (f p)) (lambda vals (close-port p) (apply values vals))))
  (define (eof-object) #!eof)
  (define flush-output-port flush-output)
  (define (read-u8 #!optional (p (current-input-port))) (read-byte p))
  (define (peek-u8 #!optional (p (current-input-port)))
    (let ((c (peek-char p))) (if (eof-object? c) c (char->integer c))))
  (define (u8-ready? #!optional (p (current-input-port))) (char-ready? p))
  (define (write-u8 b #!optional (p (current-output-port))) (write-byte b p))
  (define (read-bytevector k #!optional (p (current-input-port)))
    (let ((b (read-u8vector k p)))
      (if (or (eof-object? b) (zero? (u8vector-length b))) #!eof b)))
  (define (read-bytevector! b #!optional (p (current-input-port)) (start 0)
                            (end (u8vector-length b)))
    (let loop ((i start))
      (if (>= i end)
          (- i start)
          (let ((x (read-byte p)))
            (if (eof-object? x)
                (if (= i start) x (- i start))
                (begin (u8vector-set! b i x) (loop (+ i 1))))))))
  (define (write-bytevector b #!optional (p (current-output-port)) (start 0)
                            (end (u8vector-length b)))
    (write-u8vector b p start end))
  (define (write-string s #!optional (p (current-output-port)) (start 0)
                        (end (string-length s)))
    (display (substring s start end) p))
  (define (open-input-bytevector b) (open-input-string (utf8->string b)))
  (define open-output-bytevector open-output-string)
  (define (get-output-bytevector p) (string->utf8 (get-output-string p)))
  (define (features)
    (map (lambda (k) (string->symbol (keyword->string k))) (chicken.platform#features)))

  ;; Errors and exceptions (see the header).
  (define (error message . irritants)
    (abort (make-composite-condition
            (make-property-condition 'exn 'message message 'arguments irritants 'location #f)
            (make-property-condition 'r7rs-error))))
  (define (error-object? x)
    (and (condition? x) ((condition-predicate 'exn) x)))
  (define (error-object-message e) (get-condition-property e 'exn 'message ""))
  (define (error-object-irritants e) (get-condition-property e 'exn 'arguments '()))
  (define (file-error? x) (and (condition? x) ((condition-predicate 'file) x)))
  (define (read-error? x) (and (condition? x) ((condition-predicate 'syntax) x)))
  (define raise abort)
  ;; A continuable raise travels as a condition of kind r7rs-continuable, which
  ;; the handlers installed by with-exception-handler (and the shim's) unwrap.
  (define (raise-continuable x)
    ((current-exception-handler) (make-property-condition 'r7rs-continuable 'object x)))
  (define continuable? (condition-predicate 'r7rs-continuable))
  (define (with-exception-handler handler thunk)
    (let ((outer (current-exception-handler)))
      (chicken.condition#with-exception-handler
       (lambda (e)
         (if (and (condition? e) (continuable? e))
             (chicken.condition#with-exception-handler
              outer
              (lambda () (handler (get-condition-property e 'r7rs-continuable 'object))))
             (chicken.condition#with-exception-handler
              outer
              (lambda ()
                (handler e)
                (abort (make-property-condition
                        'exn 'message "exception handler returned" 'arguments '()
                        'location #f))))))
       thunk)))
  ;; guard, as R7RS section 7.3 derives it
  (define-syntax guard
    (syntax-rules ()
      ((guard (var clause ...) e1 e2 ...)
       ((call/cc
         (lambda (guard-k)
           (with-exception-handler
            (lambda (condition)
              ((call/cc
                (lambda (handler-k)
                  (guard-k
                   (lambda ()
                     (let ((var condition))
                       (guard-aux
                        (handler-k (lambda () (raise-continuable condition)))
                        clause ...))))))))
            (lambda ()
              (call-with-values
               (lambda () e1 e2 ...)
               (lambda args (guard-k (lambda () (apply values args)))))))))))))
  (define-syntax guard-aux
    (syntax-rules (else =>)
      ((guard-aux reraise (else result1 result2 ...))
       (begin result1 result2 ...))
      ((guard-aux reraise (test => result))
       (let ((temp test)) (if temp (result temp) reraise)))
      ((guard-aux reraise (test => result) clause1 clause2 ...)
       (let ((temp test)) (if temp (result temp) (guard-aux reraise clause1 clause2 ...))))
      ((guard-aux reraise (test))
       (or test reraise))
      ((guard-aux reraise (test) clause1 clause2 ...)
       (let ((temp test)) (if temp temp (guard-aux reraise clause1 clause2 ...))))
      ((guard-aux reraise (test result1 result2 ...))
       (if test (begin result1 result2 ...) reraise))
      ((guard-aux reraise (test result1 result2 ...) clause1 clause2 ...)
       (if test (begin result1 result2 ...) (guard-aux reraise clause1 clause2 ...)))))
  (define-syntax include-ci
    (syntax-rules () ((_ file ...) (include file ...))))
  (define-syntax syntax-error
    (er-macro-transformer
     (lambda (x r c) (apply chicken.syntax#syntax-error (cdr x))))))

(module triglot.r7rs.inexact (acos asin atan cos exp finite? infinite? log nan? sin sqrt tan)
  (import (only scheme acos asin atan cos exp log sin sqrt tan)
          (only chicken.base finite? infinite? nan?)))

(module triglot.r7rs.char
  (char-alphabetic? char-ci<=? char-ci<? char-ci=? char-ci>=? char-ci>? char-downcase
   char-foldcase char-lower-case? char-numeric? char-upcase char-upper-case? char-whitespace?
   digit-value string-ci<=? string-ci<? string-ci=? string-ci>=? string-ci>? string-downcase
   string-foldcase string-upcase)
  (import (except scheme char-ci<=? char-ci<? char-ci=? char-ci>=? char-ci>?
                  string-ci<=? string-ci<? string-ci=? string-ci>=? string-ci>?))
  (define (chain two)
    (lambda (a b . more)
      (let loop ((a a) (b b) (more more))
        (if (null? more)
            (two a b)
            (and (two a b) (loop b (car more) (cdr more)))))))
  (define char-ci=? (chain scheme#char-ci=?))
  (define char-ci<? (chain scheme#char-ci<?))
  (define char-ci>? (chain scheme#char-ci>?))
  (define char-ci<=? (chain scheme#char-ci<=?))
  (define char-ci>=? (chain scheme#char-ci>=?))
  (define string-ci=? (chain scheme#string-ci=?))
  (define string-ci<? (chain scheme#string-ci<?))
  (define string-ci>? (chain scheme#string-ci>?))
  (define string-ci<=? (chain scheme#string-ci<=?))
  (define string-ci>=? (chain scheme#string-ci>=?))
  (define char-foldcase char-downcase)
  (define (digit-value c)
    (and (char-numeric? c) (- (char->integer c) (char->integer #\0))))
  (define (string-upcase s) (list->string (map char-upcase (string->list s))))
  (define (string-downcase s) (list->string (map char-downcase (string->list s))))
  (define string-foldcase string-downcase))

(module triglot.r7rs.cxr
  (caaar caadr cadar caddr cdaar cdadr cddar cdddr caaaar caaadr caadar caaddr cadaar
   cadadr caddar cadddr cdaaar cdaadr cdadar cdaddr cddaar cddadr cdddar cddddr)
  (import scheme))

(module triglot.r7rs.case-lambda (case-lambda)
  (import (only chicken.base case-lambda)))

(module triglot.r7rs.complex (angle imag-part magnitude make-polar make-rectangular real-part)
  (import scheme))

(module triglot.r7rs.lazy (delay delay-force force make-promise promise?)
  (import (only scheme delay force) (only chicken.base delay-force make-promise promise?)))

(module triglot.r7rs.write (display write write-shared write-simple)
  (import scheme)
  (define write-shared write)
  (define write-simple write))

(module triglot.r7rs.read (read)
  (import (except scheme read) (only chicken.base keyword-style parameterize))
  ;; CHICKEN reads `foo:` as a keyword; R7RS, as a symbol
  (define (read #!optional (port (current-input-port)))
    (parameterize ((keyword-style #:none)) (scheme#read port))))

(module triglot.r7rs.time (current-jiffy current-second jiffies-per-second)
  (import scheme (only chicken.time current-milliseconds current-seconds))
  (define (current-jiffy) (current-milliseconds))
  (define (jiffies-per-second) 1000)
  (define (current-second) (exact->inexact (current-seconds))))

(module triglot.r7rs.file
  (call-with-input-file call-with-output-file delete-file file-exists? open-binary-input-file
   open-binary-output-file open-input-file open-output-file with-input-from-file
   with-output-to-file)
  (import scheme (only chicken.file delete-file file-exists?))
  (define open-binary-input-file open-input-file)
  (define open-binary-output-file open-output-file))

(module triglot.r7rs.process-context
  (command-line emergency-exit exit get-environment-variable get-environment-variables)
  (import scheme (only chicken.base exit emergency-exit)
          (only chicken.process-context program-name command-line-arguments
                get-environment-variable get-environment-variables))
  (define (command-line) (cons (program-name) (command-line-arguments))))

;; ---------------------------------------------------------------- the shim

(module triglot.shim (start compile-environment unit-key made-server)
  (import scheme chicken.base chicken.condition chicken.eval chicken.flonum chicken.bitwise
          chicken.io chicken.port chicken.string chicken.process-context
          (only chicken.file create-directory delete-directory file-exists? rename-file)
          (only chicken.file.posix file-size set-file-position!)
          (only chicken.pathname make-pathname normalize-pathname absolute-pathname? pathname-directory)
          (only chicken.platform chicken-version machine-byte-order machine-type)
          (only chicken.process system)
          (only chicken.process-context.posix current-process-id))

  (define libraries
    '(((scheme base) . triglot.r7rs.base) ((scheme inexact) . triglot.r7rs.inexact)
      ((scheme char) . triglot.r7rs.char) ((scheme cxr) . triglot.r7rs.cxr)
      ((scheme case-lambda) . triglot.r7rs.case-lambda)
      ((scheme complex) . triglot.r7rs.complex) ((scheme lazy) . triglot.r7rs.lazy)
      ((scheme write) . triglot.r7rs.write) ((scheme read) . triglot.r7rs.read)
      ((scheme time) . triglot.r7rs.time) ((scheme file) . triglot.r7rs.file)
      ((scheme process-context) . triglot.r7rs.process-context)))

  (define default-precision (flonum-print-precision))  ; CHICKEN's 15, for the concept code
  (define loading "")                                   ; the source being loaded, for a load-error

  ;; -------------------------------------------------------------- JSON text

  ;; CHICKEN's strings hold bytes: a valid UTF-8 sequence is copied as it is,
  ;; any other byte above 127 is taken as the Latin-1 character it is.
  (define (utf8-length s i n)
    "The length of the valid UTF-8 sequence at byte I of S (I < N), or #f."
    (let* ((b (char->integer (string-ref s i)))
           (k (cond ((< b #x80) 1)
                    ((and (>= b #xC2) (< b #xE0)) 2)
                    ((and (>= b #xE0) (< b #xF0)) 3)
                    ((and (>= b #xF0) (< b #xF5)) 4)
                    (else #f))))
      (define (continuation? j)
        (let ((c (char->integer (string-ref s (+ i j)))))
          (and (>= c #x80) (< c #xC0)
               (or (> j 1)
                   (cond ((= b #xE0) (>= c #xA0))      ; no overlong forms,
                         ((= b #xED) (< c #xA0))       ; no surrogates,
                         ((= b #xF0) (>= c #x90))
                         ((= b #xF4) (< c #x90))       ; nothing above U+10FFFF
                         (else #t))))))
      (and k
           (<= (+ i k) n)
           (let loop ((j 1))
             (or (= j k)
                 (and (continuation? j) (loop (+ j 1)))))
           k)))

  (define (write-utf8 code port)
    "Write the code point CODE as UTF-8 bytes."
    (define (byte b) (write-char (integer->char b) port))
    (cond ((< code #x80) (byte code))
          ((< code #x800)
           (byte (bitwise-ior #xC0 (arithmetic-shift code -6)))
           (byte (bitwise-ior #x80 (bitwise-and code #x3F))))
          ((< code #x10000)
           (byte (bitwise-ior #xE0 (arithmetic-shift code -12)))
           (byte (bitwise-ior #x80 (bitwise-and (arithmetic-shift code -6) #x3F)))
           (byte (bitwise-ior #x80 (bitwise-and code #x3F))))
          (else
           (byte (bitwise-ior #xF0 (arithmetic-shift code -18)))
           (byte (bitwise-ior #x80 (bitwise-and (arithmetic-shift code -12) #x3F)))
           (byte (bitwise-ior #x80 (bitwise-and (arithmetic-shift code -6) #x3F)))
           (byte (bitwise-ior #x80 (bitwise-and code #x3F))))))

  (define hex "0123456789abcdef")

  (define (json-string s)
    (call-with-output-string
      (lambda (port)
        (write-char #\" port)
        (let ((n (string-length s)))
          (let loop ((i 0))
            (when (< i n)
              (let* ((c (string-ref s i)) (b (char->integer c)))
                (cond ((char=? c #\") (display "\\\"" port) (loop (+ i 1)))
                      ((char=? c #\\) (display "\\\\" port) (loop (+ i 1)))
                      ((< b 32)
                       (display "\\u00" port)
                       (write-char (string-ref hex (arithmetic-shift b -4)) port)
                       (write-char (string-ref hex (bitwise-and b 15)) port)
                       (loop (+ i 1)))
                      ((< b 128) (write-char c port) (loop (+ i 1)))
                      ((utf8-length s i n)
                       => (lambda (k)
                            (display (substring s i (+ i k)) port)
                            (loop (+ i k))))
                      (else (write-utf8 b port) (loop (+ i 1))))))))
        (write-char #\" port))))

  (define (char-text c)
    "The character C as a string of UTF-8 bytes (its code point may exceed 255)."
    (call-with-output-string (lambda (port) (write-utf8 (char->integer c) port))))

  (define (written x)
    (call-with-output-string (lambda (port) (write x port))))

  (define (displayed x)
    (if (string? x) x (call-with-output-string (lambda (port) (display x port)))))

  ;; -------------------------------------------------------------- values out

  ;; Flonums are printed with 17 significant digits (the header says why):
  ;; `answer` sets the precision around each encode.
  (define (encode v)
    (cond ((flonum? v) (string-append "\"f" (number->string v) "\""))
          ((eq? v #t) "true")
          ((eq? v #f) "false")
          ((and (number? v) (real? v))
           (string-append (if (exact? v) "\"x" "\"f") (number->string v) "\""))
          ((number? v)
           (string-append "\"c" (number->string (real-part v)) " " (number->string (imag-part v)) "\""))
          ((null? v) "[]")
          ((list? v) (string-append "[" (string-intersperse (map encode v) ",") "]"))
          ((string? v) (json-string (string-append "s" v)))
          ((char? v) (json-string (string-append "h" (char-text v))))
          ((symbol? v) (json-string (string-append "y" (symbol->string v))))
          ((vector? v)
           (string-append "{\"vector\":[" (string-intersperse (map encode (vector->list v)) ",")
                          "]}"))
          ((pair? v) (string-append "{\"pair\":[" (encode (car v)) "," (encode (cdr v)) "]}"))
          ((eq? v (void)) "\"u\"")
          (else (json-string (string-append "o" (plain-names (written v)))))))

  ;; -------------------------------------------------------------- conditions

  (define r7rs-error? (condition-predicate 'r7rs-error))
  (define continuable? (condition-predicate 'r7rs-continuable))
  (define exn? (condition-predicate 'exn))

  (define (plain-names text)
    "TEXT without the module prefix of the sources' own names (an unbound
variable triglot.sources#f is the source's f)."
    (string-translate* text '(("triglot.sources#" . ""))))

  (define (condition-kinds e)
    (let ((kinds (let loop ((l (##sys#slot e 1)) (out '()))
                   (if (null? l)
                       (reverse out)
                       (loop (cdr l) (if (eq? (car l) 'exn) out (cons (car l) out)))))))
      (if (null? kinds)
          "exn"
          (string-intersperse (map symbol->string kinds) "/"))))

  (define (chicken-message e)
    "CHICKEN's own text of an exn condition: (LOCATION) MESSAGE: ARGUMENT ..."
    (let ((location (get-condition-property e 'exn 'location #f))
          (message (get-condition-property e 'exn 'message ""))
          (arguments (get-condition-property e 'exn 'arguments '())))
      (string-append
       (if location (string-append "(" (displayed location) ") ") "")
       (displayed message)
       (if (and (list? arguments) (pair? arguments))
           (string-append ": " (string-intersperse (map written arguments) " "))
           ""))))

  (define (condition-text e)
    "A raised object as (KIND . MESSAGE)."
    (handle-exceptions _ (cons "unprintable" "(the condition could not be printed)")
      (plain-names-pair
       (cond ((not (condition? e)) (cons "raise" (written e)))
             ((continuable? e)
              (cons "raise" (written (get-condition-property e 'r7rs-continuable 'object))))
             ((r7rs-error? e)
              (cons "error"
                    (apply string-append
                           (displayed (get-condition-property e 'exn 'message ""))
                           (map (lambda (x) (string-append " " (written x)))
                                (get-condition-property e 'exn 'arguments '())))))
             ((exn? e) (cons (condition-kinds e) (chicken-message e)))
             (else (cons (condition-kinds e) (written (condition->list e))))))))

  (define (plain-names-pair c) (cons (car c) (plain-names (cdr c))))

  (define (emit . parts)
    (for-each display parts)
    (newline)
    (flush-output))

  ;; -------------------------------------------------------------- numbers in

  ;; 2^k as a flonum for every k from -1074 to 1023, each exact (halving and
  ;; doubling a power of two is exact all the way down to the least subnormal).
  (define pow2
    (let ((v (make-vector 2098 1.0)))
      (do ((k 1 (+ k 1)) (x 2.0 (fp* x 2.0))) ((> k 1023)) (vector-set! v (+ k 1074) x))
      (do ((k -1 (- k 1)) (x 0.5 (fp/ x 2.0))) ((< k -1074)) (vector-set! v (+ k 1074) x))
      v))

  (define (ratio->flonum n d)
    "The flonum nearest N/D (N, D positive exact integers), ties to even."
    (let* ((e0 (- (integer-length n) (integer-length d)))
           (e (if (>= e0 0)
                  (if (>= n (arithmetic-shift d e0)) e0 (- e0 1))
                  (if (>= (arithmetic-shift n (- e0)) d) e0 (- e0 1)))))
      ;; 2^e <= N/D < 2^(e+1)
      (if (> e 1023)
          +inf.0
          (let* ((k (max (- e 52) -1074))
                 (num (if (< k 0) (arithmetic-shift n (- k)) n))
                 (den (if (> k 0) (arithmetic-shift d k) d))
                 (q (quotient num den))
                 (r2 (* 2 (remainder num den)))
                 (q (if (or (> r2 den) (and (= r2 den) (odd? q))) (+ q 1) q)))
            ;; N/D rounds to q·2^k, q <= 2^53, which a flonum holds exactly
            (if (and (= k 971) (= q 9007199254740992))
                +inf.0
                (fp* (exact->inexact q) (vector-ref pow2 (+ k 1074))))))))

  (define (exact->flonum q)
    "The flonum nearest the exact rational Q."
    (let ((n (numerator q)) (d (denominator q)))
      (if (and (< (abs n) 9007199254740992) (< d 9007199254740992))
          ;; both exactly flonums: one IEEE division rounds correctly
          (fp/ (exact->inexact n) (exact->inexact d))
          (let ((x (ratio->flonum (abs n) d)))
            (if (negative? n) (fpneg x) x)))))

  (define (token->datum t)
    (if (or (substring-index "." t) (substring-index "e" t) (substring-index "E" t))
        ;; a decimal: read exactly (CHICKEN's exact reading is exact), rounded here
        (let ((q (string->number (string-append "#e" t))))
          (cond ((and q (exact? q) (real? q))
                 (if (zero? q)
                     (if (char=? (string-ref t 0) #\-) -0.0 0.0)
                     (exact->flonum q)))
                ((string=? t "+inf.0") +inf.0)
                ((string=? t "-inf.0") -inf.0)
                ((or (string=? t "+nan.0") (string=? t "-nan.0")) +nan.0)
                (else (error "not a number or boolean" t))))
        ;; an exact integer or ratio, or a boolean
        (let ((x (string->number t)))
          (cond ((and x (exact? x) (real? x)) x)
                ((string=? t "#t") #t)
                ((string=? t "#f") #f)
                (else (error "not a number or boolean" t))))))

  (define (tokens->data tokens)
    "The data that TOKENS (a list of parentheses and atoms) spell: (values DATA REST)."
    (let loop ((tokens tokens) (out '()))
      (cond ((null? tokens) (values (reverse out) '()))
            ((string=? (car tokens) ")") (values (reverse out) (cdr tokens)))
            ((string=? (car tokens) "(")
             (receive (x rest) (tokens->data (cdr tokens))
               (loop rest (cons x out))))
            (else (loop (cdr tokens) (cons (token->datum (car tokens)) out))))))

  ;; A request is one line.  A flat one, (ID INDEX NUMBER ...), is split by
  ;; CHICKEN's string-split; in one holding lists, the parentheses are split off
  ;; first.  Not `read`, whose numbers are not correctly rounded.
  (define (parse-request line)
    (if (substring-index "(" line 1)
        (receive (x rest)
            (tokens->data (string-split (string-translate* (substring line 1 (string-length line))
                                                           '(("(" . " ( ") (")" . " ) ")))
                                        " "))
          x)
        (let ((tokens (string-split line " ()")))  ; ID and INDEX are plain integers
          (cons (string->number (car tokens))
                (cons (string->number (cadr tokens)) (map token->datum (cddr tokens)))))))

  ;; -------------------------------------------------------------- the environment

  (define sources-module #f)
  (define sources-env #f)      ; the module's value bindings (##sys#current-environment)
  (define sources-macros #f)   ; its syntax bindings (##sys#macro-environment)

  (define (in-sources thunk)
    "Run THUNK with the sources' module as the expander's module and environment,
and keep what the forms evaluated in it add to the environment."
    (parameterize ((##sys#current-module sources-module)
                   (##sys#current-environment sources-env)
                   (##sys#macro-environment sources-macros))
      (let ((v (thunk)))
        (set! sources-env (##sys#current-environment))
        (set! sources-macros (##sys#macro-environment))
        v)))

  (define (make-environment names #!optional (exports '()))
    "The module triglot.sources, importing (scheme base), (scheme inexact) and NAMES.
EXPORTS is its export list: none when the shim evaluates the sources, all (#t)
when the compiler compiles one, which would otherwise drop the definitions it
takes for the module's own."
    (let ((modules (map (lambda (name)
                          (cond ((assoc name libraries) => cdr)
                                (else (abort (make-composite-condition
                                              (make-property-condition
                                               'exn 'location 'environment
                                               'message "library not in CHICKEN's core"
                                               'arguments (list name))
                                              (make-property-condition 'library))))))
                        (append '((scheme base) (scheme inexact)) names))))
      (set! sources-module (##sys#register-module 'triglot.sources #f exports))
      ;; eval imports CHICKEN's defaults into an empty environment: start with
      ;; one binding that no source can name
      (set! sources-env (list (cons (string->uninterned-symbol "none") 'none)))
      (set! sources-macros ##sys#initial-macro-environment)
      (in-sources (lambda () (eval `(import ,@modules))))
      ;; the initial syntax is import and its kin: not R7RS bindings
      (set! sources-macros
        (let loop ((l sources-macros) (out '()))
          (cond ((null? l) (reverse out))
                ((memq (caar l) '(import import-syntax import-for-syntax
                                  import-syntax-for-syntax))
                 (loop (cdr l) out))
                (else (loop (cdr l) (cons (car l) out))))))))

  (define (defined-names form)
    "The names a top-level FORM defines."
    (if (not (pair? form))
        '()
        (case (car form)
          ((begin) (apply append (map defined-names (cdr form))))
          ((define)
           (if (pair? (cdr form))
               (let loop ((head (cadr form)))
                 (cond ((symbol? head) (list head))
                       ((pair? head) (loop (car head)))
                       (else '())))
               '()))
          ((define-values)
           (if (pair? (cdr form))
               (let loop ((f (cadr form)))
                 (cond ((symbol? f) (list f))
                       ((pair? f) (append (loop (car f)) (loop (cdr f))))
                       (else '())))
               '()))
          ((define-record-type)
           (if (and (list? form) (>= (length form) 4))
               (let ((ctor (caddr form)))
                 (append (list (cadr form) (cadddr form))
                         (cond ((symbol? ctor) (list ctor))
                               ((pair? ctor) (list (car ctor)))
                               (else '()))
                         (apply append (map (lambda (f) (if (pair? f) (cdr f) '()))
                                            (cddddr form)))))
               '()))
          (else '()))))

  (define (shadow-imports! form)
    "Give each imported name that FORM defines a binding of the sources' own
(see the header): in eval, defining an imported name assigns the import."
    (for-each
     (lambda (name)
       (let ((a (assq name sources-env)))
         (when (and a (symbol? (cdr a)))
           (let ((own (string->symbol (string-append "triglot.sources#" (symbol->string name)))))
             (unless (eq? (cdr a) own)
               (set! sources-env (cons (cons name own) sources-env)))))))
     (filter symbol? (defined-names form))))

  (define (eval-in-sources form)
    (shadow-imports! form)
    (in-sources (lambda () (eval form))))

  (define (syntax-forms form)
    "The syntax definitions in a top-level FORM."
    (cond ((not (pair? form)) '())
          ((and (eq? (car form) 'begin) (list? form)) (apply append (map syntax-forms (cdr form))))
          ((eq? (car form) 'define-syntax) (list form))
          (else '())))

  (define (replay-source! forms)
    "Do to the environment what evaluating FORMS (a compiled source's) does
besides defining values: shadow the imported names they define, define
their syntax (see the header)."
    (for-each (lambda (form)
                (shadow-imports! form)
                (for-each (lambda (s) (in-sources (lambda () (eval s)))) (syntax-forms form)))
              forms))

  (define (filter ok? l)
    (cond ((null? l) '())
          ((ok? (car l)) (cons (car l) (filter ok? (cdr l))))
          (else (filter ok? (cdr l)))))

  ;; -------------------------------------------------------------- loading sources

  (define (read-forms file)
    "The forms in FILE, read as R7RS reads them (no CHICKEN keywords), with
line numbers in read errors."
    (call-with-input-file file
      (lambda (port)
        (parameterize ((keyword-style #:none))
          (fluid-let ((##sys#read-error-with-line-number #t))
            (let loop ((forms '()))
              (let ((form (read port)))
                (if (eof-object? form)
                    (reverse forms)
                    (loop (cons form forms))))))))))

  (define (load-source file)
    (for-each eval-in-sources (read-forms file))
    (set! read-so-far (cons file read-so-far)))

  ;; -------------------------------------------------------------- compiled sources

  (define cache #f)          ; the folder of compiled files for this CHICKEN, or #f
  (define compiled 0)        ; sources compiled at this start
  (define cached 0)          ; sources loaded from the cache at this start
  (define read-so-far '())   ; the files the sources loaded so far were read from, latest first
  (define unit-key #f)       ; set by a compiled source's first form to the key it was compiled as

  (define compiler-options "-s -O2 -no-trace -no-usual-integrations -C -g0")  ; no option that changes what the code computes

  (define (cache-folder dir)
    "DIR's folder for the compiled files of this CHICKEN: its version names it."
    (string-append dir "/chicken-" (chicken-version) "-" (symbol->string (machine-type))))

  (define (cache-file key)
    (and cache (string-append cache "/" key ".so")))

  (define (absolute file)
    (normalize-pathname (if (absolute-pathname? file) file (make-pathname (current-directory) file))))

  (define (this-file)
    "The absolute path of this shim, whose modules the compiler loads."
    (absolute (program-name)))

  (define (quoted text)
    "TEXT quoted for the shell."
    (string-append "'" (string-translate* text '(("'" . "'\\''"))) "'"))

  (define (compiler)
    "CHICKEN's compiler: the csc beside this csi, else the one on the PATH."
    (let* ((exe (executable-pathname))
           (here (and exe (make-pathname (pathname-directory exe) "csc"))))
      (if (and here (file-exists? here)) here "csc")))

  ;; The trailer after the shared object: the mark, then the object's length
  ;; (8 bytes, big-endian).  The dynamic loader ignores bytes after the object.
  (define trailer-mark "triglot-so")
  (define trailer-size (+ (string-length trailer-mark) 8))

  (define (length-bytes n)
    (let loop ((k 0) (n n) (out '()))
      (if (= k 8) (list->string out) (loop (+ k 1) (quotient n 256) (cons (integer->char (remainder n 256)) out)))))

  (define (whole? file)
    "Whether FILE ends with a trailer that fits it: it was written to the end."
    (handle-exceptions _ #f
      (let ((size (file-size file)))
        (and (> size trailer-size)
             (string=? (call-with-input-file file
                         (lambda (port)
                           (set-file-position! port (- size trailer-size))
                           (read-string trailer-size port)))
                       (string-append trailer-mark (length-bytes (- size trailer-size))))))))

  (define (add-trailer! file)
    (let ((size (file-size file)))
      (call-with-output-file file
        (lambda (port) (display (string-append trailer-mark (length-bytes size)) port))
        #:append)))

  (define (load-unit file key)
    "Load the compiled source in FILE: #t when it ran as the code compiled as
KEY; #f when it is not that code or would not load (a damaged file), before
any of it ran.  An error the source's own code raises is raised."
    (set! unit-key #f)
    (let ((failure (call/cc
                    (lambda (k)
                      (with-exception-handler
                       (lambda (e) (k (list e)))
                       ;; the dynamic loader only: `load` evaluates as text
                       ;; a file it cannot load as an object
                       (lambda () (##sys#dload (##sys#make-c-string file 'load) "C_toplevel") #f))))))
      (cond ((not (equal? unit-key key)) #f)
            (failure (abort (car failure)))
            (else #t))))

  (define (work-folder key)
    "A new folder to compile in: in the cache (so that the result is renamed
into place), else in the temporary folder; or #f."
    (let ((try (lambda (parent)
                 (handle-exceptions _ #f
                   (create-directory parent #t)
                   (let ((dir (string-append parent "/." key "-" (number->string (current-process-id)))))
                     (when (file-exists? dir) (delete-directory dir #t))
                     (create-directory dir)
                     dir)))))
      (or (and cache (try cache))
          (try (string-append (or (get-environment-variable "TMPDIR") "/tmp") "/triglot-chicken")))))

  (define (unit-text key path)
    "The file the compiler compiles for the source read from PATH: a macro that,
expanded by the compiler, loads this shim's modules, makes the sources'
environment as it is now and gives the compiler the forms one at a time."
    (call-with-output-string
      (lambda (port)
        (write
           `(define-syntax triglot-source
              (er-macro-transformer
               (lambda (form rename compare)
                 (for-each (lambda (x) (if (and (pair? x) (eq? (car x) 'module)) (eval x)))
                           (call-with-input-file ,(this-file)
                             (lambda (port)
                               (let loop ((out '()))
                                 (let ((x (read port)))
                                   (if (eof-object? x) (reverse out) (loop (cons x out))))))))
                 (triglot.shim#compile-environment
                  ,key ,(absolute path) ',libraries-named ',(map absolute (reverse read-so-far))))))
         port)
        (newline port)
        (write '(triglot-source) port)
        (newline port))))

  (define libraries-named '())  ; the (LIBRARY NAME)s of the command line

  (define (compile-environment key path names earlier)
    "In the compiler: the environment of the sources read from EARLIER (their
syntax, their shadowed imports), made the compiler's; and the expansion that
compiles the forms read from PATH in it, each after its imports are shadowed."
    (make-environment names #t)
    (for-each (lambda (file) (replay-source! (read-forms file))) earlier)
    (##sys#current-module sources-module)
    (##sys#current-environment sources-env)
    (##sys#macro-environment sources-macros)
    (let ((forms (read-forms path))
          (next (string->uninterned-symbol "next-form")))
      (##sys#extend-macro-environment
       next '()
       (##sys#er-transformer
        (lambda (x r c)
          (if (null? forms)
              '(##core#undefined)
              (let ((form (car forms)))
                (set! forms (cdr forms))
                (set! sources-env (##sys#current-environment))
                (shadow-imports! form)
                (##sys#current-environment sources-env)
                `(##core#begin ,form (,next)))))))
      `(##core#begin (##core#set! triglot.shim#unit-key ,key) (,next))))

  (define (compile-source key path keep? forms)
    "Compile the source read from PATH (its FORMS), load it, and keep it under
KEY if KEEP?.  When the compiler refuses it, the source is evaluated instead,
to raise the error evaluation raises; if that raises none, the compiler's."
    (let ((dir (work-folder key)))
      (unless dir (error "no folder to compile in"))
      (let* ((unit (string-append dir "/unit.scm"))
             (log (string-append dir "/log"))
             (so (string-append dir "/unit.so")))
        (call-with-output-file unit (lambda (port) (display (unit-text key path) port)))
        (let ((status (system (string-append "cd " (quoted dir) " && exec " (quoted (compiler)) " "
                                             compiler-options " unit.scm -o unit.so >log 2>&1"))))
          (set! compiled (+ compiled 1))
          (if (and (zero? status) (file-exists? so))
              (dynamic-wind
               void
               (lambda ()
                 (add-trailer! so)
                 ;; loaded from where it was made, then kept (if it ran, even
                 ;; into an error): the dynamic loader takes a path it has
                 ;; loaded before for the object it loaded then
                 (dynamic-wind
                  void
                  (lambda ()
                    (unless (load-unit so key)
                      (error "the compiled source would not load" path)))
                  (lambda ()
                    (when (and keep? (equal? unit-key key))
                      (store! so key)))))
               (lambda () (handle-exceptions _ #f (delete-directory dir #t))))
              (let ((text (handle-exceptions _ "" (call-with-input-file log (lambda (p) (read-string #f p))))))
                (handle-exceptions _ #f (delete-directory dir #t))
                (for-each eval-in-sources forms)
                (abort (make-composite-condition
                        (make-property-condition 'exn 'location 'csc 'message (compiler-error text)
                                                 'arguments '())
                        (make-property-condition 'compile)))))))))

  (define (compiler-error text)
    "The lines of the compiler's TEXT that say what went wrong."
    (let ((lines (filter (lambda (l) (substring-index "rror" l)) (string-split text "\n"))))
      (string-intersperse (if (null? lines) (list text) lines) " ")))

  (define (store! so key)
    "Move SO into the cache as KEY's file (a rename: a process that starts
meanwhile sees the old file or the new, never half of one); its new name,
or #f when the cache cannot be written."
    (let ((file (cache-file key)))
      (and file (handle-exceptions _ #f (rename-file so file #t) file))))

  (define (load-compiled key text file)
    "Load FILE compiled: from the cache if it holds KEY, else compiled now (and
kept when TEXT, FILE's text as KEY names it, is there to compile)."
    (let* ((keep? (file-exists? text))
           (path (if keep? text file))
           (forms (read-forms path))       ; a read error is the interpreted one
           (so (cache-file key)))
      (if (and so keep? (file-exists? so) (whole? so) (load-unit so key))
          (set! cached (+ cached 1))
          (compile-source key path keep? forms))
      (replay-source! forms)
      (set! read-so-far (cons path read-so-far))))

  ;; -------------------------------------------------------------- binary blocks

  ;; The binary server (see the header): this code, made into a procedure by
  ;; compiling it with csc (kept in the cache as KEY.server, where KEY is
  ;; the --server option) or, without a cache or when that fails, by `eval`.
  ;; It gets the shim's own procedures as arguments, so that it names only
  ;; CHICKEN's, and answers every call as the text path would but for the
  ;; 9 bytes of a flonum.
  (define server-imports
    '(import scheme chicken.base chicken.fixnum chicken.flonum
             (only chicken.blob blob->string)
             (only chicken.condition with-exception-handler)
             (only chicken.memory move-memory!)
             (only chicken.string string-split)
             (only chicken.time current-milliseconds)
             (only srfi-4 make-u8vector u8vector-ref u8vector-set! u8vector-length u8vector->blob
                   u8vector->blob/shared subu8vector read-u8vector write-u8vector
                   blob->f64vector/shared blob->s64vector/shared f64vector-ref
                   f64vector-set! s64vector-ref)))

  (define binary-server-code
    '(lambda (answer-line error-line text->datum wire-nan little-endian?)
       (let* ((scratch (make-u8vector 16 0))  ; bytes 8 to 15: an argument's 8 bytes, read
              (in-f64 (blob->f64vector/shared (u8vector->blob/shared scratch)))
              (in-s64 (blob->s64vector/shared (u8vector->blob/shared scratch)))
              (record (make-u8vector 16 0))   ; bytes 7 to 15: the answer of a flonum
              (out-f64 (blob->f64vector/shared (u8vector->blob/shared record)))
              (text-tag (string (integer->char 1))))
         (lambda (procs line)
           (let* ((header (string-split line " ()"))   ; "b" ID COUNT SIZE
                  (id0 (string->number (cadr header)))
                  (count (string->number (caddr header)))
                  (size (string->number (cadddr header)))
                  (in (current-input-port))
                  (out (current-output-port))
                  (data (read-u8vector size in))
                  (row 0)           ; the call being answered…
                  (call-end 0)      ; …and where the call after it starts in DATA
                  (next 0)          ; where the next datum starts in DATA
                  (flushed (current-milliseconds)))
             (define (u16 at)
               (fxior (u8vector-ref data at) (fxshl (u8vector-ref data (fx+ at 1)) 8)))
             (define (u32 at)
               (fxior (u16 at) (fxshl (u16 (fx+ at 2)) 16)))
             (define (eight-bytes! at)
               ;; the 8 bytes at AT, copied where in-f64 and in-s64 see them
               (if little-endian?
                   (move-memory! data scratch 8 at 8)
                   (do ((k 0 (fx+ k 1))) ((fx= k 8))
                     (u8vector-set! scratch (fx- 15 k) (u8vector-ref data (fx+ at k))))))
             (define (magnitude-at at)
               ;; the integer of the length (4 bytes) and the little-endian bytes at AT
               (let ((n (u32 at)))
                 (set! next (fx+ at (fx+ 4 n)))
                 (let loop ((k (fx+ at (fx+ 3 n))) (m 0))
                   (if (fx< k (fx+ at 4))
                       m
                       (loop (fx- k 1) (+ (* m 256) (u8vector-ref data k)))))))
             (define (double-at at)
               (eight-bytes! at)
               (let ((x (f64vector-ref in-f64 1)))
                 (if (fp= x x) x wire-nan)))   ; any NaN is the text path's +nan.0
             (define (item)
               ;; the tagged datum at NEXT, which moves past it
               (let ((at next))
                 (case (u8vector-ref data at)
                   ((0) (set! next (fx+ at 9))
                        (double-at (fx+ at 1)))
                   ((2) (set! next (fx+ at 9))
                        (eight-bytes! (fx+ at 1))
                        (s64vector-ref in-s64 1))
                   ((3) (set! next (fx+ at 5))
                        (items (u32 (fx+ at 1))))
                   ((5) (let ((n (u32 (fx+ at 1))))
                          (set! next (fx+ at (fx+ 5 (fx* 8 n))))
                          (let collect ((k (fx- n 1)) (xs '()))
                            (if (fx< k 0)
                                xs
                                (collect (fx- k 1) (cons (double-at (fx+ at (fx+ 5 (fx* 8 k)))) xs))))))
                   ((7) (let ((m (magnitude-at (fx+ at 2))))
                          (if (fx= (u8vector-ref data (fx+ at 1)) 1) (- m) m)))
                   ((8) (let* ((m (magnitude-at (fx+ at 2)))
                               (n (if (fx= (u8vector-ref data (fx+ at 1)) 1) (- m) m)))
                          (/ n (magnitude-at next))))
                   ((6) (let ((n (u32 (fx+ at 1))))
                          (set! next (fx+ at (fx+ 5 n)))
                          (text->datum (blob->string (u8vector->blob
                                                      (subu8vector data (fx+ at 5) (fx+ at (fx+ 5 n))))))))
                   (else (error "bad tag in a binary request" (u8vector-ref data at))))))
             (define (items n)
               ;; N tagged data from NEXT on, as a list
               (let collect ((k n) (xs '()))
                 (if (fx= k 0)
                     (reverse xs)
                     (collect (fx- k 1) (cons (item) xs)))))
             (define (run)
               ;; answer the calls from ROW on: #f when every one is answered,
               ;; else (CONDITION) of the call ROW, which raised it
               (call/cc
                (lambda (k)
                  (with-exception-handler
                   (lambda (e) (k (list e)))
                   (lambda ()
                     (let loop ()
                       (if (fx= row count)
                           #f
                           (let ((at call-end))
                             ;; the call's size comes first, so that the next call is
                             ;; found even when this one's arguments cannot be read
                             (set! call-end (fx+ at (fx+ 7 (u32 (fx+ at 3)))))
                             (set! next (fx+ at 7))
                             (let* ((proc (vector-ref procs (u16 at)))
                                    (v (case (u8vector-ref data (fx+ at 2))
                                         ((1) (proc (item)))
                                         ((2) (let* ((x (item)) (y (item))) (proc x y)))
                                         (else (apply proc (items (u8vector-ref data (fx+ at 2))))))))
                               (if (and (flonum? v) (fp= v v))
                                   (begin
                                     (f64vector-set! out-f64 1 v)
                                     (unless little-endian?
                                       (do ((k 0 (fx+ k 1))) ((fx= k 4))
                                         (let ((b (u8vector-ref record (fx+ 8 k))))
                                           (u8vector-set! record (fx+ 8 k) (u8vector-ref record (fx- 15 k)))
                                           (u8vector-set! record (fx- 15 k) b))))
                                     (write-u8vector record out 7 16))
                                   (begin   ; a NaN too: the text path's bits
                                     (display text-tag out)
                                     (display (answer-line (fx+ id0 row) v) out)))
                               (when (fx= 0 (fxand row 31))  ; the clock read every 32 calls
                                 (let ((now (current-milliseconds)))
                                   (when (> (- now flushed) 2)
                                     (flush-output out)
                                     (set! flushed now))))
                               (set! row (fx+ row 1))
                               (loop))))))))))
             (if (or (eof-object? data) (fx< (u8vector-length data) size))
                 (exit 0)   ; the input ended inside the block: nobody is listening
                 (let resume ((raised (run)))
                   (when raised
                     (display text-tag out)
                     (display (error-line (fx+ id0 row) (car raised)) out)
                     (flush-output out)
                     (set! flushed (current-milliseconds))
                     (set! row (fx+ row 1))
                     (resume (run)))))
             (flush-output out))))))

  (define server-key #f)    ; names the compiled server in the cache (--server KEY)
  (define made-server #f)   ; set by the compiled server when it is loaded
  (define binary-server #f)

  (define server-options "-s -O2 -d0 -no-trace -C -g0")  ; the server's own code only: no concept code

  (define (answer-line id v)
    "The answer line (newline included) of the call ID that returned V."
    (flonum-print-precision 17)
    (let ((text (encode v)))
      (flonum-print-precision default-precision)
      (string-append "[" (number->string id) ",\"ok\"," text "]\n")))

  (define (error-line id e)
    "The answer line (newline included) of the call ID that raised E."
    (flonum-print-precision default-precision)
    (let ((c (condition-text e)))
      (string-append "[" (number->string id) ",\"error\"," (json-string (car c)) ","
                     (json-string (cdr c)) "]\n")))

  (define (datum-from-text text)
    "The datum TEXT spells, read as a request's arguments are."
    (receive (x rest)
        (tokens->data (string-split (string-translate* text '(("(" . " ( ") (")" . " ) "))) " "))
      (if (and (pair? x) (null? (cdr x)) (null? rest))
          (car x)
          (error "not one datum" text))))

  (define (compiled-server-maker)
    "The server's maker compiled: from the cache, else compiled now and kept; or #f."
    (let ((so (and cache server-key (string-append cache "/" server-key ".server"))))
      (and so
           (handle-exceptions _ #f
             (set! made-server #f)
             (if (and (file-exists? so) (whole? so) (load-unit so server-key) made-server)
                 made-server
                 (compile-server so))))))

  (define (compile-server so)
    "Compile the server's maker, load it and keep it as SO; the maker, or #f."
    (let ((dir (work-folder server-key)))
      (and dir
           (dynamic-wind
            void
            (lambda ()
              (call-with-output-file (string-append dir "/server.scm")
                (lambda (port)
                  (write server-imports port)
                  (newline port)
                  (write `(##core#set! triglot.shim#unit-key ,server-key) port)
                  (newline port)
                  (write `(##core#set! triglot.shim#made-server ,binary-server-code) port)
                  (newline port)))
              (let ((status (system (string-append "cd " (quoted dir) " && exec " (quoted (compiler)) " "
                                                   server-options " server.scm -o server.so >log 2>&1")))
                    (made (string-append dir "/server.so")))
                (and (zero? status)
                     (file-exists? made)
                     (begin (add-trailer! made) (set! made-server #f) (load-unit made server-key))
                     made-server
                     (begin (handle-exceptions _ #f (rename-file made so #t)) made-server))))
            (lambda () (handle-exceptions _ #f (delete-directory dir #t)))))))

  (define (make-binary-server!)
    (unless binary-server
      (let ((maker (or (compiled-server-maker)
                       (eval `(begin ,server-imports ,binary-server-code)))))
        (set! binary-server (maker answer-line error-line datum-from-text +nan.0
                                 (eq? (machine-byte-order) 'little-endian))))))

  (define (serve-binary procs line)
    "Answer one binary block, whose header is LINE (see the header of this file)."
    (make-binary-server!)
    (binary-server procs line))

  ;; -------------------------------------------------------------- serving

  (define (answer id v)
    (flonum-print-precision 17)
    (let ((text (encode v)))
      (flonum-print-precision default-precision)
      (display (string-append "[" id ",\"ok\"," text "]\n"))
      (flush-output)))

  (define (answer-error id e)
    (flonum-print-precision default-precision)
    (let ((c (condition-text e)))
      (emit "[" (or id "null") ",\"error\"," (json-string (car c)) "," (json-string (cdr c)) "]")))

  (define (serve procs)
    ;; One handler for a run of calls, not one per call: a call that raises
    ;; answers its error, and serving goes on with the next line.
    (let outer ()
      (let* ((id #f)
             (raised (call/cc
                      (lambda (k)
                        (with-exception-handler
                         (lambda (e) (k (list e)))
                         (lambda ()
                           (let loop ((line (read-line)))
                             (unless (eof-object? line)
                               (set! id #f)
                               (if (and (> (string-length line) 2) (char=? (string-ref line 1) #\b))
                                   (serve-binary procs line)
                                   (let ((req (parse-request line)))
                                     (set! id (number->string (car req)))
                                     (answer id (apply (vector-ref procs (cadr req)) (cddr req)))))
                               (loop (read-line))))
                           #f))))))
        (when raised
          (answer-error id (car raised))
          (outer)))))

  ;; -------------------------------------------------------------- start-up

  (define (parse-arguments args)
    "(CACHE LIBRARIES SOURCES NAMES) from the command line; a source is (FILE)
to evaluate or (FILE KEY TEXT) to compile."
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
             (loop (cdr args) dir (cons (with-input-from-string (car args) read) libraries) sources))
            (else (loop (cdr args) dir libraries (cons (list (car args)) sources))))))

  (define (lookup name)
    (call/cc
     (lambda (k)
       (with-exception-handler
        (lambda (e) (k #f))
        (lambda ()
          (list (in-sources (lambda () (eval (string->symbol name))))))))))

  (define (main args)
    (let* ((parsed (parse-arguments args))
           (names (cadddr parsed)))
      (set! cache (and (car parsed) (cache-folder (car parsed))))
      (set! libraries-named (cadr parsed))
      (make-environment (cadr parsed))
      (for-each (lambda (source)
                  (set! loading (car source))
                  (if (null? (cdr source))
                      (load-source (car source))
                      (load-compiled (cadr source) (caddr source) (car source))))
                (caddr parsed))
      (set! loading "")
      (let ((procs (list->vector
                    (map (lambda (name)
                           (let ((found (lookup name)))
                             (if found
                                 (car found)
                                 (begin (emit "[\"missing\"," (json-string name) "]") (exit 3)))))
                         names))))
        (when (and cache server-key)  ; the compiled server is made now, not in the first block
          (make-binary-server!))
        (emit "[\"ready\"," (vector-length procs) "," compiled "," cached "]")
        (serve procs)
        (exit 0))))

  (define (start)
    (let ((failure (call/cc
                    (lambda (k)
                      (with-exception-handler
                       (lambda (e) (k (list e)))
                       (lambda () (main (command-line-arguments)) #f))))))
      (when failure
        (let ((c (condition-text (car failure))))
          (emit "[\"load-error\"," (json-string (car c)) "," (json-string (cdr c)) ","
                (json-string loading) "]"))
        (exit 2)))))

;; The compiler loads the modules above, not this (see compile-environment).
(import (only triglot.shim start))
(start)

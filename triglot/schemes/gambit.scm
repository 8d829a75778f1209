#!/usr/bin/env gsi-script
;;; gambit.scm — the Gambit shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   gsi -:f8,-8 gambit.scm [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment;
;;;          each SOURCE is a FILE, read and evaluated form by form
;;; startup: ["ready",COUNT,0,0]  or  ["load-error",KIND,MESSAGE,FILE]  or  ["missing",NAME]
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
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
;;; not from the script line, hence the entry in implementations.py.  gsi is
;;; an interpreter: the shim and the concept files are interpreted, and there
;;; is nothing to compile or cache.
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
;;; (the shim takes the "triglot#" out of messages).  The restriction has
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
;;; Python's float() reads (or the caller maps) to the same double.  So
;;; numbers travel as text both ways, with no conversion in the shim.
;;;
;;; The process.  Gambit catches SIGTERM and exits with code 70, so a runner
;;; that sends SIGTERM sees an exit, not a death by signal.  Its heap grows
;;; to about 175 MB over a long run of calls, and stays there.

;; Gambit-specific throughout: with-exception-catcher, display-exception,
;; the ## primitives and the namespace declarations have no R7RS spelling.

(define prefix "triglot#")  ; the namespace of the files' own names
(define loading "")         ; the source being loaded, named in a load-error

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
    (eval `(##namespace (,prefix)))
    (eval `(##namespace ("" ,@keywords)))))

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
;; by hand because that beats Guile's reader; here it does not: gsi
;; interprets this shim, and Gambit's reader, compiled, reads a line of
;; numbers in half the time a split by read-line and string->number takes.
(define (parse-request line)
  (read (open-input-string line)))

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
              (let loop ((line (read-line)))
                (if (eof-object? line)
                    #f
                    (let ((req (parse-request line)))
                      (set! id (car req))
                      (emit (string-append
                              "[" (number->string id) ",\"ok\","
                              (encode (apply (vector-ref procs (cadr req)) (cddr req)))
                              "]"))
                      (set! id #f)
                      (loop (read-line)))))))
          (outer)))))

;; ---------------------------------------------------------------- start-up

(define (parse-arguments args)
  "Return (LIBRARIES SOURCES NAMES) from the command line."
  (let loop ((args args) (libraries '()) (sources '()))
    (cond ((null? args) (error "no -- before the names"))
          ((string=? (car args) "--")
           (list (reverse libraries) (reverse sources) (cdr args)))
          ((and (> (string-length (car args)) 0) (char=? (string-ref (car args) 0) #\())
           (loop (cdr args) (cons (read (open-input-string (car args))) libraries) sources))
          (else (loop (cdr args) libraries (cons (car args) sources))))))

(define (load-error kind message)
  (emit (string-append "[\"load-error\"," (json-string kind) "," (json-string message)
                       "," (json-string loading) "]"))
  (exit 2))

(define (first-line text)
  (let loop ((i 0))
    (cond ((= i (string-length text)) text)
          ((char=? (string-ref text i) #\newline) (substring text 0 i))
          (else (loop (+ i 1))))))

(define (read-forms file)
  "The forms in FILE, all read before any is evaluated.  Gambit's messages for
an unreadable file name neither the file nor the place: these are added."
  (let ((port (with-exception-catcher
                (lambda (e)
                  (load-error (car (condition-text e))
                              (string-append (first-line (exception-text e)) ": " file)))
                (lambda () (open-input-file (list path: file char-encoding: 'UTF-8))))))
    ;; In R7RS foo: is a symbol; Gambit's reader makes it a keyword unless told not to.
    (input-port-readtable-set!
      port (readtable-keywords-allowed?-set (input-port-readtable port) #f))
    (let loop ((forms '()))
      (let ((form (with-exception-catcher
                    (lambda (e)
                      (let ((c (condition-text e)))
                        (load-error (car c) (string-append
                                              file ":" (number->string (input-port-line port))
                                              ":" (number->string (input-port-column port))
                                              ": " (cdr c)))))
                    (lambda () (read port)))))
        (if (eof-object? form)
            (begin (close-input-port port) (reverse forms))
            (loop (cons form forms)))))))

(define (load-sources sources)
  (for-each (lambda (file)
              (set! loading file)
              (for-each eval (read-forms file)))
            sources)
  (set! loading ""))

(define (lookup name)
  "The value NAME has in the environment, as the files would see it."
  (with-exception-catcher
    (lambda (e)
      (emit (string-append "[\"missing\"," (json-string name) "]"))
      (exit 3))
    (lambda () (eval (string->symbol name)))))

(define (main args)
  (let ((parsed (parse-arguments args)))
    (make-environment (car parsed))
    (load-sources (cadr parsed))
    (let ((procs (list->vector (map lookup (caddr parsed)))))
      (emit (string-append "[\"ready\"," (number->string (vector-length procs)) ",0,0]"))
      (serve procs)
      (exit 0))))

(with-exception-catcher
  (lambda (e)
    (let ((c (condition-text e)))
      (load-error (car c) (cdr c))))
  (lambda () (main (cdr (command-line)))))

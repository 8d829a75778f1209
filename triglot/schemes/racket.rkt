#lang racket/base
;;; racket.rkt — the Racket shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   racket racket.rkt [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment:
;;;          (scheme char), (scheme cxr), (scheme case-lambda), (scheme write),
;;;          (scheme complex), (scheme lazy), (scheme read), (scheme time),
;;;          (scheme file), (scheme eval), (scheme load), (scheme repl),
;;;          (scheme process-context), and (srfi srfi-N) for Racket's srfi/N;
;;;          each SOURCE is a file, read and evaluated form by form
;;; startup: ["ready",COUNT,0,0]  or  ["load-error",KIND,MESSAGE,FILE]  or  ["missing",NAME]
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; answer:  [ID,"ok",V]  or  [ID,"error",KIND,MESSAGE]
;;;          V as in guile.scm: "f<real>" (inexact), "x<real>" (exact), "c<re> <im>",
;;;          true/false, a JSON array of V, "s<string>", "h<char>", "y<symbol>",
;;;          "u" (unspecified: Racket's void), {"vector":[V,...]}, {"pair":[V,V]},
;;;          "o<printed object>".  KIND is "error" for R7RS `error` (MESSAGE: the
;;;          message and each irritant written), "raise" for any other raised
;;;          object that is not a Racket exception (MESSAGE: the object written),
;;;          and otherwise the name of the Racket exception's structure type, e.g.
;;;          "exn:fail:contract:divide-by-zero", with its message.
;;;
;;; The protocol is guile.scm's, binary blocks (b ID COUNT SIZE) included
;;; (answered by racket_r7rs.rkt's answer-calls); this shim takes no --cache
;;; or --compile (its implementation entry says compiles=False).
;;;
;;; How Racket differs, and what this shim does about it:
;;;
;;; * No R7RS.  The `r7rs` package is not part of Racket 8.7 as Debian ships
;;;   it, so the submodules of racket_r7rs.rkt build (scheme base), (scheme
;;;   inexact) and the other libraries from Racket's own bindings, renamed or
;;;   redefined where R7RS differs.  The sources are evaluated by Racket's
;;;   `eval` in a namespace that imports only those submodules: a name Racket
;;;   has beyond R7RS (add1, first, for, void, ...) is unbound there, and a
;;;   concept file that uses one fails loudly.  At phase 1 the namespace has
;;;   only `syntax-rules` (with R7RS's custom ellipsis), `...` and `_`, so
;;;   `define-syntax` takes syntax-rules transformers and nothing else.
;;;   `lambda` is Racket's #%plain-lambda and `define` expands to it, so
;;;   Racket's optional and keyword arguments and curried defines are errors.
;;; * The reader.  Racket's reader is set up for R7RS: no [ ] or { } as
;;;   parentheses, no `a . b . c`, no #:keywords, #hash, #rx, #"bytes", #%,
;;;   #fl(...) and other Racket-only # syntax (all read errors), and a
;;;   readtable adds what Racket's reader lacks: #\x41, #\alarm, #\delete,
;;;   #\escape and #\null, R7RS's escapes in strings and |symbols| ("\x41;"
;;;   is A, where Racket would keep the ;), #u8(...) bytevectors, and the
;;;   #!fold-case and #!no-fold-case directives.
;;; * Pairs are immutable in Racket.  set-car! and list-set! use Racket's
;;;   unsafe-set-immutable-car! (safe here: the shim checks for a pair, and a
;;;   car does not change a list's shape); set-cdr! raises
;;;   exn:fail:unsupported, because Racket caches `list?` in the pairs and a
;;;   changed cdr would make it lie.
;;; * Exceptions.  Racket's handlers chain by returning, and an exception
;;;   raised inside a handler is fatal, so R7RS with-exception-handler, raise,
;;;   raise-continuable, guard and error are built here: the R7RS handlers are
;;;   a stack kept in a continuation mark; `raise` calls the top handler
;;;   directly, with the rest of the stack as the current handlers, in the
;;;   dynamic environment of the raise; an exception raised by Racket itself
;;;   (car of a number, an undefined variable) reaches the same handlers
;;;   through a Racket handler each with-exception-handler installs (the
;;;   "bridge").  An exception that no R7RS handler is left to take goes on to
;;;   Racket's handlers: to the shim, which answers it.  One difference: a
;;;   guard clause's tests run in the dynamic environment of the raise (R7RS
;;;   runs them in the guard's); the bodies run in the guard's, and with no
;;;   clause true the condition is re-raised with raise-continuable in the
;;;   raise's environment, as R7RS says.  error-object? holds for R7RS error
;;;   objects and for every Racket exception (whose message is its
;;;   error-object-message, with no irritants), as it does in Guile for
;;;   Guile's own errors.
;;; * Forms and procedures Racket has with other rules: `if` with no else
;;;   branch, `case` (eqv?, and => clauses), define-values and let-values with
;;;   a rest formal, define-record-type, make-parameter (R7RS converts the
;;;   initial value), promises (R7RS lets a promise be forced again while it
;;;   is being forced; Racket's refuse), map and for-each over lists of
;;;   unequal length, string->list, vector->list and the copy and fill
;;;   procedures with optional ranges, string->utf8 and utf8->string,
;;;   write-string (R7RS returns nothing), file-exists? (true of a folder),
;;;   exit with #t/#f.
;;; * Numbers need nothing from the shim: Racket CS reads a decimal to the
;;;   nearest double and prints the shortest text that reads back as the same
;;;   double, so a request's numbers are parsed with string->number and
;;;   inexact results answered with number->string (tested on every kind of
;;;   double, subnormals included).  The arithmetic is Racket's own, and R7RS
;;;   lets it differ from Guile's: an exact 0 times or over a flonum is an
;;;   exact 0 (even times +inf.0), (exp 0) and (log 1) are exact, (log -0.0)
;;;   is -inf.0, and the log of an exact ratio or bignum is taken from its
;;;   nearest double.
;;; * Signals.  Racket turns SIGTERM, SIGHUP and SIGINT into breaks and exits
;;;   with code 1; the shim then dies by the signal itself, so that the runner
;;;   can say which signal ended it, as with other implementations.
;;; * Start-up.  Racket compiles a module from source at every start (about a
;;;   second for the R7RS libraries and the server, racket_r7rs.rkt), so this
;;;   file is only a launcher: it compiles racket_r7rs.rkt once, keeps the
;;;   compiled code in DIR/KEY.zo, where DIR is $TRIGLOT_CACHE/racket, else
;;;   $XDG_CACHE_HOME/triglot/racket, else ~/.cache/triglot/racket (beside
;;;   Guile's cache), and KEY is a SHA-256 of racket_r7rs.rkt's text, Racket's
;;;   version, virtual machine and platform, so a changed file or Racket never
;;;   loads stale code.  The file is written to a temporary name and renamed,
;;;   so two processes starting at once never see half of one; a file that
;;;   does not read back as compiled code is compiled again and replaced; when
;;;   DIR cannot be written, the code is compiled at every start and not kept.
;;;   The compiled module is declared under racket_r7rs.rkt's own path, so
;;;   Racket never loads that file from source beside it.

(define here
  (let-values ([(folder name dir?) (split-path (variable-reference->module-source (#%variable-reference)))])
    folder))
(define implementation (build-path here "racket_r7rs.rkt"))

(define (cache-folder)
  (let ([base (getenv "TRIGLOT_CACHE")]
        [xdg (getenv "XDG_CACHE_HOME")])
    (cond [(and base (not (string=? base ""))) (build-path (path->complete-path (expand-user-path base)) "racket")]
          [(and xdg (absolute-path? xdg)) (build-path xdg "triglot" "racket")]
          [else (build-path (find-system-path 'home-dir) ".cache" "triglot" "racket")])))

(define (hex bs)
  (apply string-append
         (for/list ([b (in-bytes bs)])
           (string-append (if (< b 16) "0" "") (number->string b 16)))))

(define (cache-key text)
  (hex (sha256-bytes (bytes-append text #"\0" (string->bytes/utf-8 (version))
                                   #"\0" (string->bytes/utf-8 (symbol->string (system-type 'vm)))
                                   #"\0" (path->bytes (system-library-subpath #f))))))

(define (compile-implementation text)
  (parameterize ([read-accept-reader #t]
                 [read-accept-lang #t]
                 [current-load-relative-directory here]
                 [current-namespace (make-base-namespace)])
    (let ([in (open-input-bytes text implementation)])
      (port-count-lines! in)
      (compile (namespace-syntax-introduce (read-syntax implementation in))))))

(define (cached-code file)
  (with-handlers ([(lambda (e) #t) (lambda (e) #f)])
    (and (file-exists? file)
         (let ([code (call-with-input-file file
                       (lambda (in) (parameterize ([read-accept-compiled #t]) (read in))))])
           (and (compiled-module-expression? code) code)))))

(define (make-folders folder)
  (unless (directory-exists? folder)
    (let-values ([(parent name dir?) (split-path folder)])
      (when (path? parent) (make-folders parent))
      (with-handlers ([exn:fail:filesystem? void]) (make-directory folder)))))

(define (store! file code)
  (with-handlers ([(lambda (e) #t) void])
    (let-values ([(folder name dir?) (split-path file)])
      (make-folders folder)
      (let ([tmp (build-path folder (format ".~a.~a" name (random 1000000000)))])
        (with-handlers ([(lambda (e) #t) (lambda (e) (with-handlers ([(lambda (e) #t) void])
                                                      (delete-file tmp)))])
          (call-with-output-file tmp (lambda (out) (write code out)))
          (rename-file-or-directory tmp file #t))))))

(define (implementation-code)
  (let* ([text (call-with-input-file implementation (lambda (in) (read-bytes (file-size implementation) in)))]
         [file (build-path (cache-folder) (string-append (cache-key text) ".zo"))])
    (or (cached-code file)
        (let ([code (compile-implementation text)])
          (store! file code)
          code))))

(define (json-string s)
  (let ([out (open-output-string)])
    (write-char #\" out)
    (for ([c (in-string s)])
      (cond [(memv c '(#\" #\\)) (write-char #\\ out) (write-char c out)]
            [(char<? c #\space)
             (let ([digits (number->string (char->integer c) 16)])
               (write-string (string-append "\\u" (make-string (- 4 (string-length digits)) #\0) digits)
                             out))]
            [else (write-char c out)]))
    (write-char #\" out)
    (get-output-string out)))

;; Declare the compiled module under racket_r7rs.rkt's path; if it cannot be
;; compiled, say so as a load-error.
(with-handlers ([(lambda (e) (not (exn:break? e)))
                 (lambda (e)
                   (let ([kind (if (exn? e)
                                   (regexp-replace #rx"^struct:"
                                                   (symbol->string (vector-ref (struct->vector e) 0)) "")
                                   "raise")]
                         [text (if (exn? e) (exn-message e) (format "~s" e))])
                     (write-string (string-append "[\"load-error\"," (json-string kind) ","
                                                  (json-string text) ",\"racket_r7rs.rkt\"]\n"))
                     (flush-output)
                     (exit 2)))])
  (parameterize ([current-module-declare-name (make-resolved-module-path implementation)]
                 [current-load-relative-directory here])
    (eval (implementation-code))))

;; Running the module starts the shim: it reads the command line and serves.
(dynamic-require implementation #f)

;;; mit.scm — the MIT/GNU Scheme shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   mit-scheme --quiet --load mit.scm -- [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment;
;;;          a SOURCE is a FILE, read and evaluated form by form
;;; startup: ["ready",COUNT,0,0]  or  ["load-error",KIND,MESSAGE,FILE]  or  ["missing",NAME]
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; answer:  [ID,"ok",V]  or  [ID,"error",KIND,MESSAGE]
;;;          V as in guile.scm: "f<real>", "x<real>", "c<re> <im>", true/false,
;;;          arrays, and "s..", "h..", "y..", "u", {"vector":[..]}, {"pair":[..]},
;;;          "o<printed object>".
;;; The text protocol of guile.scm, without its compiled sources, cache and
;;; binary requests.
;;;
;;; The files see only (scheme base) and (scheme inexact), through MIT's own
;;; R7RS `environment`: an MIT extension in a concept file (1+, iota) is an
;;; unbound variable there, and fails loudly.
;;;
;;; Where MIT needed something other than Guile, and why:
;;;
;;; Arguments.  MIT gives a loaded file what follows the first `--` on its
;;; command line as (command-line-arguments), untouched: hence the `--` after
;;; the shim (MIT's `--args` would swallow our own `--` before the NAMEs).
;;;
;;; The REPL.  After --load, MIT starts its REPL on standard input, and an
;;; error that reaches it prints "2 error>" to standard output and then
;;; evaluates the following input lines as code.  So nothing may escape: every
;;; condition is caught here, and the shim exits by itself, 0 at the end of
;;; the input.  A stack overflow or a full heap ("Aborting!: maximum recursion
;;; depth exceeded") is no condition: MIT invokes the nearest `abort` restart,
;;; so the shim binds one, around the loading and around the serving (KIND
;;; "aborted").
;;;
;;; The ports.  MIT's console port ends the process by itself at the end of
;;; the input, and its textual ports decode and encode one character at a
;;; time (read-line costs some 30 µs).  The shim makes its own binary ports on
;;; file descriptors 0 and 1, as MIT makes the console's (from the tty
;;; channels, through MIT internals; /dev/stdin and /dev/stdout if that
;;; fails), reads blocks of bytes and cuts them into lines, and writes each
;;; answer as one UTF-8 bytevector, flushed at once.  What a concept function
;;; prints goes to a textual port on the same output, flushed before each
;;; answer, so the two come out in the order they were made.
;;;
;;; The reader folds case by default (MIT's param:reader-fold-case? is #t):
;;; R7RS is case-sensitive, so the sources are read with it off.
;;;
;;; Numbers in.  MIT 12.1's reader is not correctly rounded: about one random
;;; 17-digit decimal in a hundred comes out 1 ULP off (4.379870024434759e+127,
;;; -3.4211701050486253e+34).  Nor is its exact->inexact: bignums come out
;;; ±1 ULP off (the same ones), ratios whose double is subnormal are rounded
;;; twice.  So a decimal in a request is read here: exactly, as `#e` text
;;; (exact arithmetic is exact), then rounded to the nearest double, ties to
;;; even, in integer arithmetic (exact->double), subnormals included; that
;;; double is built with flo:ldexp, which is exact for it.  Only exact
;;; integers and ratios go to string->number as they are.  Lists are parsed
;;; here too, for the same reason, so `read` never sees a request.  (The
;;; sources are read by MIT's reader: a long decimal literal in a concept file
;;; is MIT's reading of it.)
;;;
;;; Numbers out.  number->string gives text that reads back as the same double
;;; (checked on hundreds of thousands of random doubles), though not always
;;; the shortest (1e23 prints as 0.9999999999999999e23) and MIT's own spelling
;;; (.5, -0., 100.), all of which Python's float() reads.  A NaN prints as
;;; -nan.0 or +nan.0 with its sign bit: it is always sent as +nan.0.
;;;
;;; Speed.  The shim is interpreted, as MIT loads it.  Compiled with MIT's
;;; native compiler (cf) it was only some 15% faster, since most of a call's
;;; time goes to MIT's own compiled number conversions (7 to 15 µs to print a
;;; double, 10 µs to read a decimal exactly); it would also need a cache of
;;; compiled files.
;;;
;;; Conditions.  KIND is the condition type's own name (wrong-type-argument,
;;; bad-range-argument, divide-by-zero, unbound-variable, ...) and MESSAGE its
;;; report string; R7RS `error` (MIT's simple-error) is "error", and a raised
;;; non-condition "raise", as in Guile.  A source that cannot be read gives
;;; MIT's reader condition (premature-eof, unbalanced-close, ...) with FILE:LINE
;;; in front of the message; MIT's ports keep no column.
;;;
;;; Objects without a JSON form are printed by MIT as #[TYPE NN ...]; they are
;;; sent as "o#<TYPE ...>" (a procedure as "o#<procedure ...>") so that the
;;; runner reads the same TYPE word as from Guile's #<TYPE ...>.

;; Everything below but the sources' environment is MIT-specific: its ports,
;; conditions, restarts, flonum and string primitives.

(define env #f)          ; (scheme base), (scheme inexact) and the libraries named on the command line
(define loading "")      ; the source being loaded, named in a load-error
(define in-bytes #f)     ; standard input, a binary port
(define out-bytes #f)    ; standard output, a binary port: the answers
(define out #f)          ; standard output, a textual port: what the concept functions print

(define (send text)
  "Write TEXT and a newline to standard output, at once: after what a concept
function printed, so that the two come out in the order they were made."
  (flush-output out)
  (write-bytevector (string->utf8 text) out-bytes)
  (write-u8 10 out-bytes)
  (flush-output out-bytes))

;; ---------------------------------------------------------------- reading lines

;; read-line on an MIT textual port costs about 30 µs a line (it decodes one
;; character at a time); reading the bytes a block at a time and cutting the
;; decoded text at its newlines costs a fifth of that.  read-bytevector!
;; returns what the pipe holds without waiting for the whole block.
(define block (make-bytevector 65536))
(define pieces '())   ; the bytes read after the last newline, newest first
(define text "")      ; decoded lines not yet handed out, from text-start on; ends with a newline
(define text-start 0)

(define (last-newline bytes n)
  (let loop ((i (- n 1)))
    (cond ((< i 0) #f)
          ((= (bytevector-u8-ref bytes i) 10) i)
          (else (loop (- i 1))))))

(define (joined pieces)
  (if (null? (cdr pieces)) (car pieces) (apply bytevector-append (reverse pieces))))

(define (next-line)
  "The next line of standard input (without its newline), or the eof object."
  (let ((nl (string-find-next-char text #\newline text-start)))
    (if nl
        (let ((line (substring text text-start nl)))
          (set! text-start (+ nl 1))
          line)
        (let ((n (read-bytevector! block in-bytes 0 (bytevector-length block))))
          (cond ((and (or (eof-object? n) (= n 0)) (null? pieces)) (eof-object))
                ((or (eof-object? n) (= n 0))   ; a last line without its newline
                 (let ((line (utf8->string (joined pieces))))
                   (set! pieces '())
                   line))
                (else
                 (let ((cut (last-newline block n)))
                   (if cut
                       (begin
                         (set! text (utf8->string (joined (cons (bytevector-copy block 0 (+ cut 1)) pieces))))
                         (set! text-start 0)
                         (set! pieces (if (< (+ cut 1) n) (list (bytevector-copy block (+ cut 1) n)) '())))
                       (set! pieces (cons (bytevector-copy block 0 n) pieces)))
                   (next-line))))))))

;; ---------------------------------------------------------------- answers

(define (needs-escape? c)
  (or (char<? c #\space) (char=? c #\") (char=? c #\\)))

(define (json-char c)
  (cond ((char=? c #\") "\\\"")
        ((char=? c #\\) "\\\\")
        ((char<? c #\space)
         (string-append "\\u" (string-pad-left (number->string (char->integer c) 16) 4 #\0)))
        (else (string c))))

(define (json-string s)
  (if (string-find-first-index needs-escape? s)
      (apply string-append (append (list "\"") (map json-char (string->list s)) (list "\"")))
      (string-append "\"" s "\"")))

(define (real->text x)
  ;; number->string reads back as the same double (see the header); NaN loses its sign bit
  (if (and (flo:flonum? x) (flo:nan? x))
      "+nan.0"
      (number->string x 10)))

(define (opaque-text v)
  ;; MIT prints #[TYPE NN ...]; the runner reads the TYPE of Guile's #<TYPE ...>
  (let ((text (write-to-string v)))
    (cond ((procedure? v) (string-append "#<procedure " text ">"))
          ((and (>= (string-length text) 2) (string-prefix? "#[" text))
           (string-append "#<" (substring text 2 (- (string-length text) 1)) ">"))
          (else text))))

(define (scalar->json v)
  "V's JSON text if it is no list, vector or pair, else #f."
  (cond ((flo:flonum? v) (string-append "\"f" (real->text v) "\""))
        ((eq? v #t) "true")
        ((eq? v #f) "false")
        ((exact-rational? v) (string-append "\"x" (number->string v 10) "\""))
        ((number? v)   ; non-real (a recnum): each part inexact or exact, as MIT keeps it
         (string-append "\"c" (real->text (real-part v)) " " (real->text (imag-part v)) "\""))
        ((null? v) "[]")
        ((pair? v) #f)
        ((vector? v) #f)
        ((string? v) (json-string (string-append "s" v)))
        ((char? v) (json-string (string #\h v)))
        ((symbol? v) (json-string (string-append "y" (symbol->string v))))
        ((eq? v unspecific) "\"u\"")
        (else (json-string (string-append "o" (opaque-text v))))))

;; A list is written piece by piece into one string builder: appending the
;; texts of its elements costs twice as much for long lists.
(define (value->json v)
  (or (scalar->json v)
      (let ((sb (string-builder)))
        (define (items xs)
          (unless (null? xs)
            (walk (car xs))
            (for-each (lambda (x) (sb #\,) (walk x)) (cdr xs))))
        (define (walk v)
          (cond ((scalar->json v) => sb)
                ((list? v) (sb #\[) (items v) (sb #\]))
                ((vector? v) (sb "{\"vector\":[") (items (vector->list v)) (sb "]}"))
                (else (sb "{\"pair\":[") (walk (car v)) (sb #\,) (walk (cdr v)) (sb "]}"))))
        (walk v)
        (sb))))

;; ---------------------------------------------------------------- conditions

(define (irritants-text xs)
  (apply string-append (map (lambda (x) (string-append " " (write-to-string x))) xs)))

(define (condition-text e)
  "E, a raised object, as (KIND . MESSAGE)."
  (call-with-current-continuation
    (lambda (k)
      (with-exception-handler
        (lambda (e2) (k (cons "error-in-error" (if (condition? e2) (condition/report-string e2) "?"))))
        (lambda ()
          (cond ((not (condition? e)) (cons "raise" (write-to-string e)))
                ((eq? (condition/type e) condition-type:simple-error)
                 (let ((message (error-object-message e)))
                   (cons "error" (string-append (if (string? message) message (write-to-string message))
                                                (irritants-text (error-object-irritants e))))))
                (else (cons (condition-type/name (condition/type e))
                            (condition/report-string e)))))))))

(define aborted (cons "aborted" "Aborting!: maximum recursion depth exceeded, or out of memory"))

(define (guarded thunk)
  "Run THUNK: its value, or (failed KIND . MESSAGE) when it raises or aborts."
  (call-with-current-continuation
    (lambda (k)
      (with-restart 'abort "Abort the call." (lambda args (k (cons 'failed aborted))) values
        (lambda ()
          (with-exception-handler
            (lambda (e) (k (cons 'failed (condition-text e))))
            thunk))))))

(define (failed? x) (and (pair? x) (eq? (car x) 'failed)))

;; ---------------------------------------------------------------- numbers in

(define two^53 (expt 2 53))

(define (exact->double q)
  "The double nearest to the exact rational Q, ties to even (MIT's exact->inexact is not)."
  (cond ((negative? q) (flo:negate (positive->double (- q))))
        ((zero? q) 0.)
        (else (positive->double q))))

(define (positive->double q)
  (let ((n (numerator q)) (d (denominator q)))
    (if (and (< n two^53) (< d two^53))
        ;; both exact as doubles: one IEEE division, correctly rounded
        (flo:/ (int:->flonum n) (int:->flonum d))
        ;; n/d scaled by 2^k to a quotient of 53 or 54 bits, or to the
        ;; subnormal grid (k = 1074) when the double is that small
        (let* ((k (min (- 53 (- (integer-length n) (integer-length d))) 1074))
               (num (if (> k 0) (shift-left n k) n))
               (den (if (< k 0) (shift-left d (- k)) d)))
          (call-with-values (lambda () (floor/ num den))
            (lambda (quo rem)
              (if (>= quo two^53)
                  ;; 54 bits: the last one is the rounding bit, the remainder the sticky part
                  (let ((half (quotient quo 2)))
                    (flo:ldexp (int:->flonum (if (and (odd? quo) (or (positive? rem) (odd? half)))
                                                 (+ half 1)
                                                 half))
                               (- 1 k)))
                  (let ((twice (* 2 rem)))
                    (flo:ldexp (int:->flonum (if (or (> twice den) (and (= twice den) (odd? quo)))
                                                 (+ quo 1)
                                                 quo))
                               (- k))))))))))

(define (decimal->double token)
  "The double nearest to the decimal TOKEN (Python's repr of a float)."
  (let ((q (string->number (string-append "#e" token) 10)))
    (cond ((not q) (error "not a number:" token))
          ((and (zero? q) (char=? (string-ref token 0) #\-)) -0.)
          (else (exact->double q)))))

(define (token->datum t)
  (cond ((or (string-find-next-char t #\.) (string-find-next-char t #\e) (string-find-next-char t #\E))
         (if (and (= (string-length t) 6) (memv (string-ref t 1) '(#\i #\n)))
             (cond ((string=? t "+inf.0") (flo:/ 1. 0.))
                   ((string=? t "-inf.0") (flo:/ -1. 0.))
                   ((or (string=? t "+nan.0") (string=? t "-nan.0")) (flo:/ 0. 0.))
                   (else (error "not a number:" t)))
             (decimal->double t)))
        ((string=? t "#t") #t)
        ((string=? t "#f") #f)
        ((and (not (char=? (string-ref t 0) #\#)) (string->number t 10)))   ; exact: read exactly
        (else (error "not a number or boolean:" t))))

(define delimiters (char-set #\space #\( #\)))

(define (parse-data line start)
  "The datum (a number, boolean or list) at START in LINE, and the index after it."
  (let ((end (string-length line)))
    (define (token-end i)
      (or (string-find-next-char-in-set line delimiters i) end))
    (define (skip i)
      (if (and (< i end) (char=? (string-ref line i) #\space)) (skip (+ i 1)) i))
    (let ((i (skip start)))
      (cond ((= i end) (error "unexpected end of request:" line))
            ((char=? (string-ref line i) #\()
             (let loop ((i (skip (+ i 1))) (items '()))
               (cond ((= i end) (error "unexpected end of request:" line))
                     ((char=? (string-ref line i) #\)) (values (reverse! items) (+ i 1)))
                     (else (call-with-values (lambda () (parse-data line i))
                             (lambda (item next) (loop (skip next) (cons item items))))))))
            ((char=? (string-ref line i) #\)) (error "unexpected ) in request:" line))
            (else (let ((j (token-end i)))
                    (values (token->datum (substring line i j)) j)))))))

;; A request is one line.  A flat one, (ID INDEX NUMBER ...), is split with
;; burst-string (compiled, several times faster than a loop over characters);
;; one holding lists goes through parse-data.
(define (parse-request line)
  (let ((n (string-length line)))
    (cond ((or (< n 2) (not (char=? (string-ref line 0) #\())
               (not (char=? (string-ref line (- n 1)) #\))))
           (error "not a request:" line))
          ((string-find-next-char line #\( 1)
           (call-with-values (lambda () (parse-data line 0)) (lambda (datum next) datum)))
          (else
           (let ((tokens (burst-string (substring line 1 (- n 1)) #\space #t)))
             (if (or (null? tokens) (null? (cdr tokens)))
                 (error "not a request:" line)
                 (cons* (string->number (car tokens) 10) (string->number (cadr tokens) 10)
                        (map token->datum (cddr tokens)))))))))

;; ---------------------------------------------------------------- serving

(define (serve procs)
  ;; One handler and restart for a run of calls, not one per call: a call
  ;; that raises answers its error, and serving goes on with the next line.
  (let outer ()
    (let* ((id #f)
           (outcome
             (guarded
               (lambda ()
                 (let loop ((line (next-line)))
                   (unless (eof-object? line)
                     (set! id #f)
                     (let ((req (parse-request line)))
                       (set! id (car req))
                       (let ((v (apply (vector-ref procs (cadr req)) (cddr req))))
                         (send (string-append "[" (number->string id) ",\"ok\"," (value->json v) "]"))))
                     (loop (next-line))))))))
      (when (failed? outcome)
        (let ((c (cdr outcome)))
          (send (string-append "[" (if id (number->string id) "null") ",\"error\","
                               (json-string (car c)) "," (json-string (cdr c)) "]")))
        (outer)))))

;; ---------------------------------------------------------------- start-up

(define (read-forms file)
  "The forms in FILE, read case-sensitively, or (failed KIND . MESSAGE) where
MESSAGE names FILE and the line the reader stopped at."
  (let ((port (open-input-file file)))
    (port/set-coding port 'utf-8)
    (let loop ((forms '()))
      (let ((form (call-with-current-continuation
                    (lambda (k)
                      (with-exception-handler
                        (lambda (e)
                          (let ((c (condition-text e)))
                            (k (cons* 'failed (if (condition? e) (car c) "read-error")
                                      (string-append file ":" (number->string (+ 1 (input-port/line port)))
                                                     ": " (cdr c))))))
                        (lambda () (parameterize ((param:reader-fold-case? #f)) (read port))))))))
        (cond ((eof-object? form) (close-port port) (reverse! forms))
              ((failed? form) (close-port port) form)
              (else (loop (cons form forms))))))))

(define (load-source file)
  "Evaluate the forms of FILE in order; #f, or (failed KIND . MESSAGE) if it cannot be read."
  (let ((forms (read-forms file)))
    (if (failed? forms)
        forms
        (begin (for-each (lambda (form) (eval form env)) forms) #f))))

(define (parse-arguments args)
  "Return (LIBRARIES SOURCES NAMES) from the command line."
  (let loop ((args args) (libraries '()) (sources '()))
    (cond ((null? args) (error "no -- before the names"))
          ((string=? (car args) "--") (list (reverse libraries) (reverse sources) (cdr args)))
          ((string-prefix? "(" (car args))
           (loop (cdr args)
                 (cons (parameterize ((param:reader-fold-case? #f)) (read (open-input-string (car args))))
                       libraries)
                 sources))
          (else (loop (cdr args) libraries (cons (car args) sources))))))

(define (load-error c)
  (send (string-append "[\"load-error\"," (json-string (car c)) "," (json-string (cdr c)) ","
                       (json-string loading) "]"))
  (%exit 2))

(define (main args)
  (let* ((parsed (parse-arguments args))
         (names (caddr parsed)))
    (set! env (apply environment '(scheme base) '(scheme inexact) (car parsed)))
    (for-each (lambda (file)
                (set! loading file)
                (let ((failure (load-source file)))
                  (when failure (load-error (cdr failure)))))
              (cadr parsed))
    (set! loading "")
    (let ((procs (list->vector
                   (map (lambda (name)
                          (let ((proc (guarded (lambda () (eval (string->symbol name) env)))))
                            (when (failed? proc)
                              (send (string-append "[\"missing\"," (json-string name) "]"))
                              (%exit 3))
                            proc))
                        names))))
      (send (string-append "[\"ready\"," (number->string (vector-length procs)) ",0,0]"))
      (parameterize ((current-output-port out))
        (serve procs))
      (flush-output out)
      (%exit 0))))

(define (standard-ports)
  "Binary ports on file descriptors 0 and 1, made as MIT makes its console
port, from its channels (MIT internals); if that fails, on /dev/stdin and
/dev/stdout (a new file description, which a redirection of the output to a
file would not share with the caller)."
  (call-with-current-continuation
    (lambda (k)
      (with-exception-handler
        (lambda (e)
          (k (cons (open-binary-input-file "/dev/stdin") (open-binary-output-file "/dev/stdout" #t))))
        (lambda ()
          (let* ((binary (->environment '(runtime binary-port)))
                 (console (->environment '(runtime console-i/o-port)))
                 (make-port (environment-lookup binary 'make-binary-port)))
            (cons (make-port ((environment-lookup binary 'make-channel-input-source)
                              ((environment-lookup console 'tty-input-channel)))
                             #f)
                  (make-port #f ((environment-lookup binary 'make-channel-output-sink)
                                 ((environment-lookup console 'tty-output-channel)))))))))))

(define (open-standard-ports!)
  (let ((ports (standard-ports)))
    (set! in-bytes (car ports))
    (set! out-bytes (cdr ports))
    (set! out (binary->textual-port out-bytes))
    (port/set-coding out 'utf-8)))

;; main exits by itself; if it raises, the error is reported as a load error,
;; and if even that fails (standard output closed), the process ends here:
;; nothing may reach MIT's REPL.
(let ((outcome (guarded (lambda () (open-standard-ports!) (main (command-line-arguments))))))
  (when (failed? outcome)
    (guarded (lambda () (load-error (cdr outcome))))))
(%exit 70)

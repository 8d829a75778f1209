;;; guile.scm — the GNU Guile shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   guile --no-auto-compile -s guile.scm [(LIBRARY NAME) ...] FILE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment
;;; startup: ["ready",COUNT]  or  ["load-error",FILE,MESSAGE]  or  ["missing",NAME]
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; answer:  [ID,"ok",V]  or  [ID,"error",KEY,MESSAGE]
;;;          V is "f<real>" (inexact), "x<real>" (exact), "c<re> <im>"
;;;          (non-real), true/false, or a JSON array of V; and, for the
;;;          phrasebook, "s<string>", "h<char>", "y<symbol>", "u" (unspecified),
;;;          {"vector":[V,...]}, {"pair":[V,V]}, "o<printed object>".
;;;
;;; The files see only (scheme base) and (scheme inexact): what R7RS-small
;;; promises, so a Guile extension in a concept file fails here, loudly.

(use-modules (ice-9 exceptions) (ice-9 format) (ice-9 rdelim) (scheme eval))

(define env #f)  ; (scheme base) and (scheme inexact), plus the libraries named on the command line

(define (json-string s)
  (call-with-output-string
    (lambda (port)
      (write-char #\" port)
      (string-for-each
        (lambda (c)
          (cond ((char=? c #\") (display "\\\"" port))
                ((char=? c #\\) (display "\\\\" port))
                ((char<? c #\space) (format port "\\u~4,'0x" (char->integer c)))
                (else (write-char c port))))
        s)
      (write-char #\" port))))

(define (encode v)
  (cond ((eq? v #t) "true")
        ((eq? v #f) "false")
        ((and (number? v) (real? v))
         (string-append (if (exact? v) "\"x" "\"f") (number->string v) "\""))
        ((number? v)
         (string-append "\"c" (number->string (real-part v))
                        " " (number->string (imag-part v)) "\""))
        ((list? v)
         (string-append "[" (string-join (map encode v) ",") "]"))
        ((string? v) (json-string (string-append "s" v)))
        ((char? v) (json-string (string-append "h" (string v))))
        ((symbol? v) (json-string (string-append "y" (symbol->string v))))
        ((vector? v)
         (string-append "{\"vector\":[" (string-join (map encode (vector->list v)) ",") "]}"))
        ((pair? v) (string-append "{\"pair\":[" (encode (car v)) "," (encode (cdr v)) "]}"))
        ((unspecified? v) "\"u\"")
        (else (json-string (string-append "o" (object->string v))))))

(define (irritants-text xs)
  (apply string-append (map (lambda (x) (string-append " " (object->string x))) xs)))

;; A condition as (KIND . MESSAGE).  Guile's own errors carry a key and
;; (subr format-string format-args data); R7RS `error` and `raise` arrive as
;; %exception with an exception object (or the raised object) as the argument.
(define (condition-text key args)
  (catch #t
    (lambda ()
      (cond ((and (eq? key '%exception) (pair? args) (exception-with-message? (car args)))
             (let ((e (car args)))
               (cons "error" (string-append (exception-message e)
                                            (if (exception-with-irritants? e)
                                                (irritants-text (exception-irritants e))
                                                "")))))
            ((eq? key '%exception)
             (cons "raise" (object->string (if (pair? args) (car args) args))))
            ((and (list? args) (>= (length args) 3) (string? (cadr args)))
             (let ((text (apply format #f (cadr args) (or (caddr args) '()))))
               (cons (symbol->string key)
                     (if (string? (car args))
                         (string-append "In procedure " (car args) ": " text)
                         text))))
            (else (cons (symbol->string key) (object->string args)))))
    (lambda _ (cons (object->string key) (object->string args)))))

(define (emit . parts)
  (for-each display parts)
  (newline)
  (force-output))

(define (load-source file)
  (call-with-input-file file
    (lambda (port)
      (let loop ((form (read port)))
        (unless (eof-object? form)
          (eval form env)
          (loop (read port)))))))

(define (token->datum t)
  (cond ((string=? t "#t") #t)
        ((string=? t "#f") #f)
        ((string->number t))
        (else (error "not a number or boolean:" t))))

;; A request is one line.  A flat one, (ID INDEX NUMBER ...), is split by hand,
;; three times faster than `read`; one holding lists goes through `read`.
(define (parse-request line)
  (let ((body (substring line 1 (- (string-length line) 1))))
    (if (string-index body #\()
        (read (open-input-string line))
        (map token->datum (filter (lambda (t) (not (string-null? t)))
                                  (string-split body #\space))))))

(define (serve procs)
  ;; One handler for a run of calls, not one per call (a fifth of Guile's time):
  ;; a call that raises answers its error, and serving goes on with the next line.
  (let outer ()
    (let ((id #f))
      (catch #t
        (lambda ()
          (let loop ((line (read-line)))
            (unless (eof-object? line)
              (set! id #f)
              (let ((req (parse-request line)))
                (set! id (car req))
                (let ((v (apply (vector-ref procs (cadr req)) (cddr req))))
                  (emit "[" id ",\"ok\"," (encode v) "]")))
              (loop (read-line)))))
        (lambda (key . args)
          (let ((c (condition-text key args)))
            (emit "[" (or id "null") ",\"error\"," (json-string (car c)) "," (json-string (cdr c)) "]"))
          (outer))))))

(define (main args)
  (let split ((args args) (files '()))
    (cond ((null? args) (emit "[\"load-error\",\"\",\"no -- before the names\"]"))
          ((string=? (car args) "--")
           (let* ((names (cdr args))
                  (libraries (filter (lambda (f) (string-prefix? "(" f)) (reverse files)))
                  (sources (filter (lambda (f) (not (string-prefix? "(" f))) (reverse files))))
             (set! env (apply environment '(scheme base) '(scheme inexact)
                              (map (lambda (l) (with-input-from-string l read)) libraries)))
             (for-each load-source sources)
             (let ((procs (list->vector
                            (map (lambda (name)
                                   (catch #t
                                     (lambda () (eval (string->symbol name) env))
                                     (lambda _ (emit "[\"missing\"," (json-string name) "]") (exit 3))))
                                 names))))
               (emit "[\"ready\"," (vector-length procs) "]")
               (serve procs))))
          (else (split (cdr args) (cons (car args) files))))))

(fluid-set! %default-port-encoding "UTF-8")  ; the concept files are UTF-8, whatever the locale
(set-port-encoding! (current-input-port) "UTF-8")
(set-port-encoding! (current-output-port) "UTF-8")
(catch #t
  (lambda () (main (cdr (command-line))))
  (lambda (key . args)
    (let ((c (condition-text key args)))
      (emit "[\"load-error\"," (json-string (car c)) "," (json-string (cdr c)) "]"))
    (exit 2)))

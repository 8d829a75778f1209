#lang racket/base
;;; racket_r7rs.rkt — the body of the Racket shim: the R7RS-small libraries
;;; built from Racket's own bindings, the loader and the request loop.
;;;
;;; racket.rkt (the shim named in triglot/implementations.py) compiles this
;;; module once, keeps the compiled code in a cache and runs it; its header
;;; gives the protocol and every way in which Racket needed something
;;; different.  Everything here is Racket-specific: it is what makes Racket an
;;; R7RS implementation for the concept files.

;; ================================================================ naming

;; (named NAME EXPR): EXPR, a procedure, with NAME as its name in Racket's
;; error messages (the R7RS name, not this file's r7:NAME).
(module naming racket/base
  (require (for-syntax racket/base))
  (provide named define-r7)
  (define-syntax (named stx)
    (syntax-case stx ()
      [(_ name expr) (syntax-property #'expr 'inferred-name (syntax-e #'name))]))
  ;; (define-r7 (NAME . FORMALS) BODY ...) defines r7:NAME, named NAME
  (define-syntax (define-r7 stx)
    (syntax-case stx ()
      [(_ (name . formals) body ...)
       (with-syntax ([r7:name (datum->syntax #'name (string->symbol (format "r7:~a" (syntax-e #'name))))])
         #'(define r7:name (named name (lambda formals body ...))))])))

;; ================================================================ the reader

;; R7RS read syntax on Racket's reader, and the names of the libraries;
;; used at run time by the loader and (scheme read), at expansion time by
;; `include` and `cond-expand`.
(module reader racket/base
  (provide r7rs-read r7rs-read-syntax library-names directive?)

  (define library-names
    '((scheme base) (scheme inexact) (scheme char) (scheme cxr) (scheme case-lambda)
      (scheme write) (scheme complex) (scheme lazy) (scheme read) (scheme time)
      (scheme file) (scheme eval) (scheme load) (scheme repl) (scheme process-context)))

  (define (read-error in fmt . args)
    (let-values ([(line col pos) (port-next-location in)])
      (let ([where (format "~a:~a:~a" (or (object-name in) "?") (or line "?") (or col "?"))])
        (raise (exn:fail:read (string-append where ": read: " (apply format fmt args))
                              (current-continuation-marks)
                              (list (srcloc (object-name in) line col pos 1)))))))

  (define (delimiter? c)
    (or (eof-object? c) (char-whitespace? c) (memv c '(#\( #\) #\" #\; #\|))))

  (define char-names
    (hash "alarm" #\u7 "backspace" #\backspace "delete" #\rubout "escape" #\u1B
          "newline" #\newline "null" #\nul "return" #\return "space" #\space "tab" #\tab))

  (define (scalar-value? n)
    (and n (exact-nonnegative-integer? n) (or (< n #xD800) (< #xDFFF n #x110000))))

  ;; #\a, #\x41, #\space ...: one character, or a name when letters follow a letter
  (define (read-char-literal in)
    (let ([c (read-char in)])
      (when (eof-object? c)
        (read-error in "end of file after #\\"))
      (let ([rest (if (char-alphabetic? c)
                      (let loop ([acc '()])
                        (if (delimiter? (peek-char in))
                            (list->string (reverse acc))
                            (loop (cons (read-char in) acc))))
                      "")])
        (cond [(string=? rest "") c]
              [(hash-ref char-names (string-append (string c) rest) #f)]
              [(and (char=? c #\x) (string->number rest 16))
               => (lambda (n)
                    (if (scalar-value? n)
                        (integer->char n)
                        (read-error in "not a Unicode scalar value: #\\x~a" rest)))]
              [else (read-error in "bad character name: #\\~a~a" c rest)]))))

  (define (intraline-whitespace? c)
    (and (char? c) (char-whitespace? c) (not (memv c '(#\newline #\return)))))

  ;; After a \ in a string or a |symbol|: R7RS's escapes, \x41; among them
  ;; (Racket's reader reads \x41 as two hex digits, so "\x41;" would keep the ;)
  (define (read-escape in out string?)
    (let ([e (read-char in)])
      (cond
        [(eof-object? e) (read-error in "end of file after \\")]
        [(assv e '((#\a . #\u7) (#\b . #\backspace) (#\t . #\tab) (#\n . #\newline)
                   (#\r . #\return) (#\" . #\") (#\\ . #\\) (#\| . #\|)))
         => (lambda (p) (write-char (cdr p) out))]
        [(char=? e #\x)
         (let hex ([digits '()])
           (let ([d (read-char in)])
             (cond [(eof-object? d) (read-error in "end of file in a \\x escape")]
                   [(char=? d #\;)
                    (let ([n (string->number (list->string (reverse digits)) 16)])
                      (unless (scalar-value? n)
                        (read-error in "bad \\x escape: \\x~a;" (list->string (reverse digits))))
                      (write-char (integer->char n) out))]
                   [else (hex (cons d digits))])))]
        [(and string? (or (intraline-whitespace? e) (memv e '(#\newline #\return))))
         ;; \ <intraline whitespace>* <line ending> <intraline whitespace>*
         (let to-line-end ([c e])
           (cond [(intraline-whitespace? c) (to-line-end (read-char in))]
                 [(eqv? c #\return) (when (eqv? (peek-char in) #\newline) (read-char in))]
                 [(eqv? c #\newline) (void)]
                 [else (read-error in "bad \\ in a string")]))
         (let skip () (when (intraline-whitespace? (peek-char in)) (read-char in) (skip)))]
        [else (read-error in "bad escape: \\~a" e)])))

  ;; "..." and |...|: read up to the closing quote or bar
  (define ((read-delimited close make) in)
    (let ([out (open-output-string)])
      (let loop ()
        (let ([c (read-char in)])
          (cond [(eof-object? c) (read-error in "end of file before the closing ~a" close)]
                [(char=? c close) (make (get-output-string out))]
                [(char=? c #\\) (read-escape in out (char=? close #\")) (loop)]
                [else (write-char c out) (loop)])))))

  (define read-string-literal (read-delimited #\" string->immutable-string))
  (define read-bar-symbol (read-delimited #\| string->symbol))

  ;; #u8(...)
  (define (read-bytevector-literal in recursive)
    (unless (and (eqv? (read-char in) #\8) (eqv? (peek-char in) #\())
      (read-error in "bad syntax after #u (only #u8( is R7RS)"))
    (read-char in)
    (let ([items (let ([v (recursive in)]) (if (syntax? v) (syntax->datum v) v))])
      (unless (and (list? items) (andmap byte? items))
        (read-error in "a bytevector holds bytes: ~s" items))
      (bytes->immutable-bytes (apply bytes items))))

  ;; #!fold-case and #!no-fold-case: Racket's reader takes the new case rule
  ;; from the next read on, so the directive is read as this marker, which
  ;; the loader and `read` skip.
  (define directive-marker (string->uninterned-symbol "#!directive"))
  (define (directive? v) (eq? v directive-marker))
  (define (read-directive in)
    (let loop ([acc '()])
      (let ([c (peek-char in)])
        (if (and (char? c) (or (char-alphabetic? c) (char=? c #\-)))
            (loop (cons (read-char in) acc))
            (let ([name (list->string (reverse acc))])
              (cond [(string=? name "fold-case") (read-case-sensitive #f) directive-marker]
                    [(string=? name "no-fold-case") (read-case-sensitive #t) directive-marker]
                    [else (read-error in "not an R7RS directive: #!~a" name)]))))))

  (define (reject c in)
    (read-error in "not R7RS syntax: #~a" c))

  ;; #t, #true, #f, #false (and not Racket's #fl(...) and #fx(...) vectors)
  (define ((read-boolean first) in)
    (let loop ([acc (list first)])
      (if (and (char? (peek-char in)) (char-alphabetic? (peek-char in)))
          (loop (cons (read-char in) acc))
          (let ([name (string-downcase (list->string (reverse acc)))])
            (cond [(member name '("t" "true")) #t]
                  [(member name '("f" "false")) #f]
                  [else (read-error in "not R7RS syntax: #~a" (list->string (reverse acc)))])))))

  (define (reader-proc proc)
    (case-lambda [(c in) (proc in)] [(c in src line col pos) (proc in)]))

  (define r7rs-readtable
    (apply make-readtable #f
           #\\ 'dispatch-macro (reader-proc read-char-literal)
           #\" 'terminating-macro (reader-proc read-string-literal)
           #\| 'terminating-macro (reader-proc read-bar-symbol)
           #\u 'dispatch-macro
           (case-lambda [(c in) (read-bytevector-literal in (lambda (in) (read/recursive in #\()))]
                        [(c in src line col pos)
                         (read-bytevector-literal in (lambda (in) (read-syntax/recursive src in #\()))])
           #\! 'dispatch-macro (reader-proc read-directive)
           #\t 'dispatch-macro (reader-proc (read-boolean #\t))
           #\T 'dispatch-macro (reader-proc (read-boolean #\T))
           #\f 'dispatch-macro (reader-proc (read-boolean #\f))
           #\F 'dispatch-macro (reader-proc (read-boolean #\F))
           (apply append
                  (for/list ([c (in-string ":&%hrpscCS<'`,\"~lL")])
                    (list c 'dispatch-macro (case-lambda [(c in) (reject c in)]
                                                         [(c in src line col pos) (reject c in)]))))))

  (define (with-r7rs-reader thunk)
    (parameterize ([current-readtable r7rs-readtable]
                   [read-square-bracket-as-paren #f]
                   [read-curly-brace-as-paren #f]
                   [read-square-bracket-with-tag #f]
                   [read-curly-brace-with-tag #f]
                   [read-accept-box #f]
                   [read-accept-compiled #f]
                   [read-accept-graph #t]
                   [read-accept-infix-dot #f]
                   [read-accept-reader #f]
                   [read-accept-lang #f]
                   [read-accept-bar-quote #t]
                   [read-accept-quasiquote #t]
                   [read-decimal-as-inexact #t]
                   [read-cdot #f])
      (thunk)))

  ;; One datum (or eof) from `in`, directives skipped.
  (define (r7rs-read in)
    (let loop ()
      (let ([v (with-r7rs-reader (lambda () (read in)))])
        (if (directive? v) (loop) v))))

  (define (r7rs-read-syntax source in)
    (let loop ()
      (let ([v (with-r7rs-reader (lambda () (read-syntax source in)))])
        (if (and (syntax? v) (directive? (syntax-e v))) (loop) v)))))

;; ================================================================ exceptions

;; R7RS's exception system (see the header): the handlers are a stack in a
;; continuation mark; raise calls them directly; Racket's own exceptions reach
;; them through the bridge.
(module exceptions racket/base
  (require (submod ".." naming))
  (provide (rename-out [r7:with-exception-handler with-exception-handler]
                       [r7:raise raise]
                       [r7:raise-continuable raise-continuable]
                       [r7:error error])
           guard error-object? error-object-message error-object-irritants
           (struct-out r7rs-error)
           exn:fail:contract:non-continuable?)

  ;; an R7RS error object; exn-message holds the text the shim answers
  (struct r7rs-error exn:fail (message irritants))

  ;; what R7RS raises when a handler returns from a non-continuable raise
  (struct exn:fail:contract:non-continuable exn:fail:contract (object))

  (define handlers-key (make-continuation-mark-key 'r7rs-handlers))
  (define exit-key (make-continuation-mark-key 'r7rs-exit))

  (define (current-handlers)
    (continuation-mark-set-first #f handlers-key '()))

  (define (deliver obj continuable?)
    (let ([stack (current-handlers)])
      (cond
        [(null? stack) (raise obj #t)]   ; to Racket's handlers: a bridge passes it on
        [continuable?
         (with-continuation-mark handlers-key (cdr stack) ((car stack) obj))]
        [else
         (with-continuation-mark handlers-key (cdr stack) ((car stack) obj))
         (with-continuation-mark handlers-key (cdr stack)
           (deliver (exn:fail:contract:non-continuable
                     (format "raise: the handler returned from a non-continuable exception: ~s"
                             (if (exn? obj) (exn-message obj) obj))
                     (current-continuation-marks)
                     obj)
                    #f))])))

  (define-r7 (raise obj) (deliver obj #f))
  (define-r7 (raise-continuable obj) (deliver obj #t))

  (define-r7 (error message . irritants)
    (deliver (r7rs-error (apply string-append
                                (if (string? message) message (format "~s" message))
                                (map (lambda (x) (format " ~s" x)) irritants))
                         (current-continuation-marks)
                         message
                         irritants)
             #f))

  ;; The Racket handler of every R7RS with-exception-handler: an exception that
  ;; Racket raised goes to the R7RS handlers current where it was raised; with
  ;; none left, it is returned, which passes it on to the enclosing Racket
  ;; handler, as Racket's protocol has it.
  (define (bridge e)
    (if (or (exn:break? e) (null? (current-handlers)))
        e
        (call-with-exception-handler in-handler (lambda () (deliver e #f)))))

  ;; While an R7RS handler runs for a Racket exception, Racket is inside its
  ;; own handler call, where an exception cannot be passed on by returning: one
  ;; that no R7RS handler is left to take is raised again from outside the
  ;; outermost R7RS with-exception-handler (whose escape is in exit-key).
  (define (in-handler e)
    (if (or (exn:break? e) (null? (current-handlers)))
        (let ([exit (continuation-mark-set-first #f exit-key #f)])
          (if exit (exit (lambda () (raise e #t))) e))
        (call-with-exception-handler in-handler (lambda () (deliver e #f)))))

  (define-r7 (with-exception-handler handler thunk)
    (unless (procedure? handler)
      (raise-argument-error 'with-exception-handler "procedure?" handler))
    (unless (procedure? thunk)
      (raise-argument-error 'with-exception-handler "procedure?" thunk))
    (let ([outer (current-handlers)])
      (if (pair? outer)
          (with-continuation-mark handlers-key (cons handler outer)
            (call-with-exception-handler bridge thunk))
          ;; the outermost: its escape, in exit-key, is where in-handler re-raises
          ((call/ec
            (lambda (exit)
              (with-continuation-mark exit-key exit
                (with-continuation-mark handlers-key (list handler)
                  (call-with-exception-handler
                   bridge
                   (lambda ()
                     (call-with-values thunk (lambda vals (lambda () (apply values vals))))))))))))))

  (define-syntax guard
    (syntax-rules ()
      [(_ (var clause ...) body ...)
       ((call/ec
         (lambda (guard-k)
           (r7:with-exception-handler
            (lambda (condition)
              (let ([var condition])
                (guard-clauses guard-k condition clause ...)))
            (lambda ()
              (call-with-values (lambda () (let () body ...))
                (lambda vals (lambda () (apply values vals)))))))))]))

  (define-syntax guard-clauses
    (syntax-rules (else =>)
      [(_ k c) (r7:raise-continuable c)]
      [(_ k c (else e1 e2 ...)) (k (lambda () e1 e2 ...))]
      [(_ k c (test => receiver) clause ...)
       (let ([t test]) (if t (k (lambda () (receiver t))) (guard-clauses k c clause ...)))]
      [(_ k c (test) clause ...)
       (let ([t test]) (if t (k (lambda () t)) (guard-clauses k c clause ...)))]
      [(_ k c (test e1 e2 ...) clause ...)
       (if test (k (lambda () e1 e2 ...)) (guard-clauses k c clause ...))]))

  (define (error-object? e) (or (r7rs-error? e) (exn? e)))

  (define (error-object-message e)
    (cond [(r7rs-error? e) (r7rs-error-message e)]
          [(exn? e) (exn-message e)]
          [else (raise-argument-error 'error-object-message "error-object?" e)]))

  (define (error-object-irritants e)
    (cond [(r7rs-error? e) (r7rs-error-irritants e)]
          [(exn? e) '()]
          [else (raise-argument-error 'error-object-irritants "error-object?" e)])))

;; ================================================================ syntax-rules

;; R7RS syntax-rules on Racket's: (syntax-rules ELLIPSIS (LITERAL ...) RULE ...)
;; becomes Racket's syntax-rules with ELLIPSIS renamed to `...` (and a
;; literal `...` in a template escaped as (... ...)).
(module syntax-rules racket/base
  (require (for-syntax racket/base))
  (provide (rename-out [r7:syntax-rules syntax-rules]))

  (define-syntax (r7:syntax-rules stx)
    (syntax-case stx ()
      [(_ ellipsis (literal ...) rule ...)
       (identifier? #'ellipsis)
       (let ([ell #'ellipsis])
         (define (rename s in-template?)
           (syntax-case s ()
             [id (identifier? #'id)
                 (cond [(bound-identifier=? #'id ell) (datum->syntax #'here '... #'id)]
                       [(and in-template? (free-identifier=? #'id #'(... ...)))
                        (datum->syntax #'here (list '... '...) #'id)]
                       [else #'id])]
             [(a . b) (datum->syntax s (cons (rename #'a in-template?) (rename #'b in-template?)) s s)]
             [#(x ...) (datum->syntax s (list->vector (map (lambda (x) (rename x in-template?))
                                                             (syntax->list #'(x ...)))) s s)]
             [_ s]))
         (with-syntax ([(rule* ...)
                        (map (lambda (r)
                               (syntax-case r ()
                                 [(pattern template) (list (rename #'pattern #f) (rename #'template #t))]
                                 [_ r]))
                             (syntax->list #'(rule ...)))])
           #'(syntax-rules (literal ...) rule* ...)))]
      [(_ (literal ...) rule ...)
       #'(syntax-rules (literal ...) rule ...)])))

;; ================================================================ (scheme base)

(module scheme-base racket/base
  (require racket/unsafe/ops
           (submod ".." naming)
           (submod ".." exceptions)
           (for-syntax racket/base (submod ".." reader)
                       (only-in (submod ".." syntax-rules) [syntax-rules r7:syntax-rules]))
           (only-in (submod ".." reader) r7rs-read))

  (provide
   ;; forms
   #%app #%datum #%top #%top-interaction
   (rename-out [r7:define define] [#%plain-lambda lambda] [r7:if if] [r7:case case] [letrec letrec*]
               [r7:define-values define-values] [r7:let-values let-values]
               [r7:let*-values let*-values] [r7:define-record-type define-record-type])
   quote quasiquote unquote unquote-splicing set! let let* letrec begin
   cond and or when unless do else => _ ... parameterize
   define-syntax let-syntax letrec-syntax syntax-error
   guard cond-expand include include-ci
   (for-syntax (rename-out [r7:syntax-rules syntax-rules]) ... _)
   ;; numbers
   * + - / < <= = > >= abs ceiling denominator even? expt floor
   exact-integer? exact? gcd inexact? integer? lcm max min modulo negative? number?
   numerator odd? positive? quotient rational? rationalize real? remainder round
   truncate zero? complex? number->string string->number
   (rename-out [inexact->exact exact] [exact->inexact inexact]
               [integer-sqrt/remainder exact-integer-sqrt])
   floor/ floor-quotient floor-remainder truncate/ truncate-quotient truncate-remainder square
   ;; booleans, symbols, characters
   eq? eqv? equal? boolean? not boolean=? symbol? symbol->string string->symbol symbol=?
   char? char->integer integer->char char<=? char<? char=? char>=? char>?
   ;; pairs and lists
   pair? cons car cdr caar cadr cdar cddr null? list? list length append reverse
   list-tail list-ref memq memv member assq assv assoc
   (rename-out [r7:map map] [r7:for-each for-each])
   set-car! set-cdr! list-set! list-copy make-list
   ;; strings
   string? make-string string string-length string-ref string-set! string=? string<?
   string>? string<=? string>=? substring string-append list->string
   (rename-out [r7:string->list string->list] [r7:string-copy string-copy]
               [r7:string-fill! string-fill!])
   string-copy! string-map string-for-each string->vector vector->string
   ;; vectors
   vector? make-vector vector vector-length vector-ref vector-set! list->vector
   (rename-out [r7:vector->list vector->list] [r7:vector-fill! vector-fill!])
   vector-copy vector-copy! vector-append vector-map vector-for-each
   ;; bytevectors
   (rename-out [bytes bytevector] [bytes? bytevector?] [make-bytes make-bytevector]
               [bytes-ref bytevector-u8-ref] [bytes-set! bytevector-u8-set!]
               [bytes-length bytevector-length] [bytes-copy! bytevector-copy!]
               [bytes-append bytevector-append])
   bytevector-copy utf8->string string->utf8
   ;; control
   procedure? apply call-with-current-continuation values call-with-values dynamic-wind
   (rename-out [call-with-current-continuation call/cc] [r7:make-parameter make-parameter])
   ;; exceptions
   with-exception-handler raise raise-continuable error error-object? error-object-message
   error-object-irritants read-error? file-error?
   ;; ports
   current-input-port current-output-port current-error-port input-port? output-port?
   (rename-out [port? textual-port?] [port? binary-port?]
               [flush-output flush-output-port] [byte-ready? u8-ready?]
               [peek-byte peek-u8] [read-byte read-u8] [write-byte write-u8]
               [read-bytes read-bytevector] [read-bytes! read-bytevector!]
               [open-input-bytes open-input-bytevector]
               [open-output-bytes open-output-bytevector]
               [get-output-bytes get-output-bytevector]
               [r7:write-string write-string] [r7:write-bytevector write-bytevector])
   close-input-port close-output-port close-port call-with-port input-port-open?
   output-port-open? open-input-string open-output-string get-output-string
   read-char peek-char read-line read-string char-ready? eof-object eof-object?
   write-char newline
   features)

  ;; ------------------------------------------------------------ forms

  ;; Racket's define and lambda also take curried heads, (define ((f a) b) ...),
  ;; and optional arguments, (lambda ((x 1)) ...): not R7RS, so `lambda` is
  ;; Racket's #%plain-lambda, which takes only R7RS's formals
  (define-syntax (r7:define stx)
    (syntax-case stx ()
      [(_ (name . formals) body ...)
       (identifier? #'name)
       #'(define name (#%plain-lambda formals body ...))]
      [(_ (name . formals) body ...)
       (raise-syntax-error 'define "not R7RS: the name must be an identifier" stx #'name)]
      [(_ name expr) #'(define name expr)]))

  (define-syntax r7:if
    (syntax-rules ()
      [(_ test consequent) (if test consequent (void))]
      [(_ test consequent alternative) (if test consequent alternative)]))

  ;; R7RS case compares with eqv? (Racket's with equal?) and has => clauses
  (define-syntax r7:case
    (syntax-rules ()
      [(_ key clause ...) (let ([k key]) (case-clauses k clause ...))]))

  (define-syntax case-clauses
    (syntax-rules (else =>)
      [(_ k) (void)]
      [(_ k (else => receiver)) (receiver k)]
      [(_ k (else e1 e2 ...)) (begin e1 e2 ...)]
      [(_ k ((datum ...) => receiver) clause ...)
       (if (memv k '(datum ...)) (receiver k) (case-clauses k clause ...))]
      [(_ k ((datum ...) e1 e2 ...) clause ...)
       (if (memv k '(datum ...)) (begin e1 e2 ...) (case-clauses k clause ...))]))

  ;; Formals with a rest part, (a b . rest) or rest, become a list of names
  ;; (a b rest) and a procedure that takes the values and returns them so.
  (begin-for-syntax
    (define (formals->names formals)
      (let loop ([f formals] [names '()])
        (syntax-case f ()
          [() (values (reverse names) #f)]
          [(a . b) (loop #'b (cons #'a names))]
          [rest (values (reverse (cons #'rest names)) #t)])))
    (define (adapt formals expr)
      (let-values ([(names rest?) (formals->names formals)])
        (if rest?
            (list names
                  (with-syntax ([formals formals] [(name ...) names] [expr expr])
                    #'(call-with-values (lambda () expr) (lambda formals (values name ...)))))
            (list names expr)))))

  (define-syntax (r7:define-values stx)
    (syntax-case stx ()
      [(_ formals expr)
       (with-syntax ([(names expr*) (adapt #'formals #'expr)])
         #'(define-values names expr*))]))

  (define-syntax (r7:let-values stx)
    (syntax-case stx ()
      [(_ ((formals expr) ...) body ...)
       (with-syntax ([(binding ...) (map adapt (syntax->list #'(formals ...))
                                         (syntax->list #'(expr ...)))])
         #'(let-values (binding ...) body ...))]))

  (define-syntax (r7:let*-values stx)
    (syntax-case stx ()
      [(_ ((formals expr) ...) body ...)
       (with-syntax ([(binding ...) (map adapt (syntax->list #'(formals ...))
                                         (syntax->list #'(expr ...)))])
         #'(let*-values (binding ...) body ...))]))

  ;; A record type is a Racket structure type named as the type (<point>), so it
  ;; prints as #<<point>>.
  (define-syntax (r7:define-record-type stx)
    (syntax-case stx ()
      [(_ type constructor predicate field-spec ...)
       (let* ([specs (map (lambda (s)
                            (syntax-case s ()
                              [(field accessor) (list #'field #'accessor #f)]
                              [(field accessor modifier) (list #'field #'accessor #'modifier)]
                              [(field) (list #'field #f #f)]
                              [_ (raise-syntax-error 'define-record-type "bad field" stx s)]))
                          (syntax->list #'(field-spec ...)))]
              [fields (map car specs)]
              [index (lambda (id)
                       (let loop ([fs fields] [i 0])
                         (cond [(null? fs) (raise-syntax-error 'define-record-type
                                                               "not a field of the record" stx id)]
                               [(eq? (syntax-e (car fs)) (syntax-e id)) i]
                               [else (loop (cdr fs) (+ i 1))])))])
         (with-syntax ([count (length fields)]
                       [type-name (if (identifier? #'type) #'type (car (syntax->list #'type)))])
           (with-syntax
               ([make-constructor
                 (syntax-case #'constructor ()
                   [#f #'(begin)]
                   [(name arg ...)
                    (let ([args (syntax->list #'(arg ...))])
                      (with-syntax ([(value ...)
                                     (for/list ([i (length fields)])
                                       (or (for/first ([a args] #:when (= (index a) i)) a)
                                           #'#f))])
                        #'(define name (let ([name (lambda (arg ...) (make value ...))]) name))))]
                   [name (identifier? #'name)
                         (with-syntax ([(f ...) fields])
                           #'(define name (let ([name (lambda (f ...) (make f ...))]) name)))])]
                [(accessor-def ...)
                 (for/list ([s specs] #:when (cadr s))
                   (with-syntax ([name (cadr s)] [i (index (car s))] [f (car s)])
                     #'(define name (make-struct-field-accessor ref i 'f))))]
                [(modifier-def ...)
                 (for/list ([s specs] #:when (caddr s))
                   (with-syntax ([name (caddr s)] [i (index (car s))] [f (car s)])
                     #'(define name (make-struct-field-mutator set i 'f))))])
             #'(begin
                 (define-values (type-name make pred ref set)
                   (let-values ([(struct: make pred ref set)
                                 (make-struct-type 'type-name #f count 0 #f '() (current-inspector) #f '() #f 'type-name)])
                     (values struct: make pred ref set)))
                 make-constructor
                 (define predicate pred)
                 accessor-def ...
                 modifier-def ...))))]))

  (define-syntax (syntax-error stx)
    (syntax-case stx ()
      [(_ message arg ...)
       (raise-syntax-error #f (apply string-append (format "~a" (syntax-e #'message))
                                     (map (lambda (a) (format " ~s" (syntax->datum a)))
                                          (syntax->list #'(arg ...))))
                           stx)]))

  (begin-for-syntax
    (define feature-list '(r7rs exact-closed exact-complex ieee-float full-unicode ratios racket))
    (define (requirement-holds? r)
      (syntax-case r (and or not library)
        [(and x ...) (andmap requirement-holds? (syntax->list #'(x ...)))]
        [(or x ...) (ormap requirement-holds? (syntax->list #'(x ...)))]
        [(not x) (not (requirement-holds? #'x))]
        [(library name) (and (member (syntax->datum #'name) library-names) #t)]
        [id (identifier? #'id) (and (memq (syntax-e #'id) feature-list) #t)])))

  (define-syntax (cond-expand stx)
    (syntax-case stx ()
      [(_ clause ...)
       (let loop ([clauses (syntax->list #'(clause ...))])
         (if (null? clauses)
             #'(begin)
             (syntax-case (car clauses) (else)
               [(else body ...) #'(begin body ...)]
               [(requirement body ...)
                (if (requirement-holds? #'requirement)
                    #'(begin body ...)
                    (loop (cdr clauses)))])))]))

  (define (features) '(r7rs exact-closed exact-complex ieee-float full-unicode ratios racket))

  ;; include reads files relative to the file being loaded (or the current folder)
  (begin-for-syntax
    (define (included stx files fold-case?)
      (apply append
             (for/list ([f files])
               (let ([path (path->complete-path
                            (syntax-e f) (or (current-load-relative-directory) (current-directory)))])
                 (call-with-input-file path
                   (lambda (in)
                     (parameterize ([read-case-sensitive (not fold-case?)])
                       (let loop ([forms '()])
                         (let ([form (r7rs-read in)])
                           (if (eof-object? form)
                               (map (lambda (d) (datum->syntax stx d)) (reverse forms))
                               (loop (cons form forms)))))))))))))

  (define-syntax (include stx)
    (syntax-case stx ()
      [(_ file ...) (with-syntax ([(form ...) (included stx (syntax->list #'(file ...)) #f)])
                      #'(begin form ...))]))

  (define-syntax (include-ci stx)
    (syntax-case stx ()
      [(_ file ...) (with-syntax ([(form ...) (included stx (syntax->list #'(file ...)) #t)])
                      #'(begin form ...))]))

  ;; ------------------------------------------------------------ numbers

  (define (floor/ n m) (values (floor-quotient n m) (floor-remainder n m)))
  (define (floor-quotient n m)
    (let ([q (quotient n m)] [r (remainder n m)])
      (if (and (not (zero? r)) (not (eq? (negative? r) (negative? m)))) (- q 1) q)))
  (define floor-remainder modulo)
  (define (truncate/ n m) (values (quotient n m) (remainder n m)))
  (define truncate-quotient quotient)
  (define truncate-remainder remainder)
  (define (square z) (* z z))

  ;; ------------------------------------------------------------ booleans, symbols

  (define (boolean=? a b . more)
    (unless (and (boolean? a) (boolean? b) (andmap boolean? more))
      (raise-argument-error 'boolean=? "boolean?" (if (boolean? a) b a)))
    (and (eq? a b) (andmap (lambda (c) (eq? a c)) more)))

  (define (symbol=? a b . more)
    (unless (and (symbol? a) (symbol? b) (andmap symbol? more))
      (raise-argument-error 'symbol=? "symbol?" (if (symbol? a) b a)))
    (and (eq? a b) (andmap (lambda (c) (eq? a c)) more)))

  ;; ------------------------------------------------------------ pairs and lists

  (define (set-car! p v)
    (unless (pair? p) (raise-argument-error 'set-car! "pair?" p))
    (unsafe-set-immutable-car! p v))

  (define (set-cdr! p v)
    (raise (exn:fail:unsupported
            "set-cdr!: not supported: Racket's pairs are immutable, and list? is cached in them"
            (current-continuation-marks))))

  (define (list-set! l k v) (set-car! (list-tail l k) v))

  ;; the pairs of l copied, an improper tail kept
  (define (list-copy l)
    (let loop ([rest l] [acc '()])
      (if (pair? rest)
          (loop (cdr rest) (cons (car rest) acc))
          (let build ([acc acc] [tail rest])
            (if (null? acc) tail (build (cdr acc) (cons (car acc) tail)))))))

  ;; k must be an exact nonnegative integer, as for Racket's own make-list
  (define (make-list k [fill (void)])
    (unless (exact-nonnegative-integer? k) (raise-argument-error 'make-list "exact-nonnegative-integer?" k))
    (let loop ([k k] [acc '()]) (if (eqv? k 0) acc (loop (- k 1) (cons fill acc)))))

  ;; R7RS map and for-each stop at the shortest list (Racket's want equal lengths)
  (define r7:map
    (named map (case-lambda
      [(f l) (map f l)]
      [(f l1 l2)
       (let loop ([a l1] [b l2])
         (if (and (pair? a) (pair? b))
             (let ([v (f (car a) (car b))]) (cons v (loop (cdr a) (cdr b))))
             '()))]
      [(f . ls)
       (let loop ([ls ls])
         (if (andmap pair? ls)
             (let ([v (apply f (map car ls))]) (cons v (loop (map cdr ls))))
             '()))])))

  (define r7:for-each
    (named for-each (case-lambda
      [(f l) (for-each f l)]
      [(f . ls)
       (let loop ([ls ls])
         (when (andmap pair? ls)
           (apply f (map car ls))
           (loop (map cdr ls))))])))

  ;; ------------------------------------------------------------ strings and vectors

  ;; R7RS's optional ranges: start <= end <= length, or an error
  (define (check-range who length start end)
    (unless (and (exact-nonnegative-integer? start) (exact-nonnegative-integer? end)
                 (<= start end length))
      (raise-arguments-error who "not a range of the argument" "start" start "end" end
                             "length" length)))

  (define-r7 (string->list s [start 0] [end (string-length s)])
    (check-range 'string->list (string-length s) start end)
    (let loop ([i (- end 1)] [acc '()])
      (if (< i start) acc (loop (- i 1) (cons (string-ref s i) acc)))))

  (define-r7 (string-copy s [start 0] [end (string-length s)])
    (substring s start end))

  (define-r7 (string-fill! s c [start 0] [end (string-length s)])
    (check-range 'string-fill! (string-length s) start end)
    (let loop ([i start]) (when (< i end) (string-set! s i c) (loop (+ i 1)))))

  (define (string-map f s . more)
    (list->string (apply r7:map f (string->list s) (map string->list more))))

  (define (string-for-each f s . more)
    (apply r7:for-each f (string->list s) (map string->list more)))

  (define (string->vector s [start 0] [end (string-length s)])
    (list->vector (r7:string->list s start end)))

  (define (vector->string v [start 0] [end (vector-length v)])
    (list->string (r7:vector->list v start end)))

  (define-r7 (vector->list v [start 0] [end (vector-length v)])
    (check-range 'vector->list (vector-length v) start end)
    (let loop ([i (- end 1)] [acc '()])
      (if (< i start) acc (loop (- i 1) (cons (vector-ref v i) acc)))))

  (define-r7 (vector-fill! v x [start 0] [end (vector-length v)])
    (check-range 'vector-fill! (vector-length v) start end)
    (let loop ([i start]) (when (< i end) (vector-set! v i x) (loop (+ i 1)))))

  (define (vector-copy v [start 0] [end (vector-length v)])
    (check-range 'vector-copy (vector-length v) start end)
    (let ([new (make-vector (- end start))])
      (vector-copy! new 0 v start end)
      new))

  (define (vector-append . vs)
    (list->vector (apply append (map vector->list vs))))

  (define (vector-map f v . more)
    (list->vector (apply r7:map f (vector->list v) (map vector->list more))))

  (define (vector-for-each f v . more)
    (apply r7:for-each f (vector->list v) (map vector->list more)))

  (define (bytevector-copy b [start 0] [end (bytes-length b)])
    (subbytes b start end))

  (define (utf8->string b [start 0] [end (bytes-length b)])
    (bytes->string/utf-8 b #f start end))

  (define (string->utf8 s [start 0] [end (string-length s)])
    (string->bytes/utf-8 s #f start end))

  ;; ------------------------------------------------------------ control, errors, ports

  ;; R7RS converts the initial value too; Racket's guard sees only new ones
  (define r7:make-parameter
    (named make-parameter (case-lambda
      [(value) (make-parameter value)]
      [(value converter) (make-parameter (converter value) converter)])))

  (define (read-error? e) (exn:fail:read? e))
  (define (file-error? e) (exn:fail:filesystem? e))

  (define (close-port p)
    (when (input-port? p) (close-input-port p))
    (when (output-port? p) (close-output-port p)))

  (define (call-with-port p proc)
    (call-with-values (lambda () (proc p))
      (lambda vals (close-port p) (apply values vals))))

  (define (input-port-open? p)
    (unless (input-port? p) (raise-argument-error 'input-port-open? "input-port?" p))
    (not (port-closed? p)))

  (define (output-port-open? p)
    (unless (output-port? p) (raise-argument-error 'output-port-open? "output-port?" p))
    (not (port-closed? p)))

  (define (eof-object) eof)

  (define-r7 (write-string s [out (current-output-port)] [start 0] [end (string-length s)])
    (write-string s out start end)
    (void))

  (define-r7 (write-bytevector b [out (current-output-port)] [start 0] [end (bytes-length b)])
    (write-bytes b out start end)
    (void)))

;; ================================================================ the other libraries

(module scheme-inexact racket/base
  (provide exp log sin cos tan asin acos atan sqrt finite? infinite? nan?)
  (define (finite? z)
    (if (real? z)
        (not (or (eqv? z +inf.0) (eqv? z -inf.0) (eqv? z +nan.0)))
        (and (finite? (real-part z)) (finite? (imag-part z)))))
  (define (infinite? z)
    (if (real? z)
        (or (eqv? z +inf.0) (eqv? z -inf.0))
        (or (infinite? (real-part z)) (infinite? (imag-part z)))))
  (define (nan? z)
    (if (real? z)
        (eqv? z +nan.0)
        (or (nan? (real-part z)) (nan? (imag-part z))))))

(module scheme-char racket/base
  (provide char-alphabetic? char-ci<=? char-ci<? char-ci=? char-ci>=? char-ci>?
           char-downcase char-foldcase char-lower-case? char-numeric? char-upcase
           char-upper-case? char-whitespace? digit-value string-ci<=? string-ci<?
           string-ci=? string-ci>=? string-ci>? string-downcase string-foldcase string-upcase)
  ;; Unicode's decimal digits (Nd) come in runs of ten, from 0 to 9
  (define (digit-value c)
    (and (eq? (char-general-category c) 'nd)
         (let loop ([n (char->integer c)] [k 0])
           (if (and (> n 0) (eq? (char-general-category (integer->char (- n 1))) 'nd) (< k 9))
               (loop (- n 1) (+ k 1))
               (modulo (- (char->integer c) n) 10))))))

(module scheme-cxr racket/base
  (provide caaar caadr cadar caddr cdaar cdadr cddar cdddr
           caaaar caaadr caadar caaddr cadaar cadadr caddar cadddr
           cdaaar cdaadr cdadar cdaddr cddaar cddadr cdddar cddddr))

(module scheme-case-lambda racket/base
  (provide case-lambda))

(module scheme-complex racket/base
  (provide angle imag-part magnitude make-polar make-rectangular real-part))

(module scheme-lazy racket/base
  (provide delay delay-force force make-promise promise?)
  ;; R7RS's promises, as in its reference implementation (Racket's refuse to be
  ;; forced again while they are being forced, which R7RS requires to work): a
  ;; promise's state, (done? . value-or-thunk), is shared by the promises that
  ;; delay-force chains, so a long chain is forced in constant space.
  (struct promise ([state #:mutable]))
  (define-syntax-rule (delay-force expression) (promise (mcons #f (lambda () expression))))
  (define-syntax-rule (delay expression) (delay-force (promise (mcons #t expression))))
  (define (make-promise v) (if (promise? v) v (promise (mcons #t v))))
  (define (force p)
    (if (promise? p)
        (let loop ()
          (let ([state (promise-state p)])
            (if (mcar state)
                (mcdr state)
                (let ([p* (make-promise ((mcdr state)))])
                  (unless (mcar (promise-state p))
                    (let ([state* (promise-state p*)])
                      (set-mcar! (promise-state p) (mcar state*))
                      (set-mcdr! (promise-state p) (mcdr state*))
                      (set-promise-state! p* (promise-state p))))
                  (loop)))))
        p)))

(module scheme-write racket/base
  (provide display write write-simple write-shared)
  (define (write-simple v [out (current-output-port)]) (write v out))
  (define (write-shared v [out (current-output-port)])
    (parameterize ([print-graph #t]) (write v out))))

(module scheme-read racket/base
  (require (submod ".." reader))
  (provide read)
  (define (read [in (current-input-port)]) (r7rs-read in)))

(module scheme-time racket/base
  (provide current-second current-jiffy jiffies-per-second)
  (define (current-second) (/ (current-inexact-milliseconds) 1000.0))
  (define (current-jiffy) (inexact->exact (floor (* 1000 (current-inexact-monotonic-milliseconds)))))
  (define (jiffies-per-second) 1000000))

(module scheme-file racket/base
  (require (submod ".." naming))
  (provide call-with-input-file with-input-from-file open-input-file delete-file
           (rename-out [open-input-file open-binary-input-file] [r7:file-exists? file-exists?]
                       [r7:open-output-file open-output-file]
                       [r7:open-output-file open-binary-output-file]
                       [r7:call-with-output-file call-with-output-file]
                       [r7:with-output-to-file with-output-to-file]))
  ;; Racket's file-exists? is #f for a folder
  (define-r7 (file-exists? f) (or (file-exists? f) (directory-exists? f) (link-exists? f)))
  ;; R7RS leaves an existing file's fate open; Racket would refuse to replace it
  (define-r7 (open-output-file f) (open-output-file f #:exists 'truncate))
  (define-r7 (call-with-output-file f proc) (call-with-output-file f proc #:exists 'truncate))
  (define-r7 (with-output-to-file f thunk) (with-output-to-file f thunk #:exists 'truncate)))

(module scheme-process-context racket/base
  (require (submod ".." naming))
  (provide command-line (rename-out [r7:exit exit] [r7:exit emergency-exit])
           (rename-out [getenv get-environment-variable]) get-environment-variables)
  (define (command-line)
    (cons "racket" (vector->list (current-command-line-arguments))))
  (define-r7 (exit [code #t])
    (flush-output (current-output-port))
    (exit (cond [(eq? code #t) 0] [(eq? code #f) 1] [(byte? code) code] [else 1])))
  (define (get-environment-variables)
    (let ([env (current-environment-variables)])
      (for/list ([name (environment-variables-names env)])
        (cons (bytes->string/locale name #\?)
              (bytes->string/locale (environment-variables-ref env name) #\?))))))

;; ================================================================ environments

(module environments racket/base
  (require (submod ".." reader))
  (provide make-environment load-into interaction-namespace)

  (define here (variable-reference->module-source (#%variable-reference)))
  (define home (current-namespace))     ; the namespace that declared this file's modules

  (define interaction-namespace (make-parameter #f))

  (define (library-module spec)
    (cond
      [(and (list? spec) (eq? (car spec) 'scheme) (member spec library-names))
       `(submod (file ,(path->string here)) ,(string->symbol (format "scheme-~a" (cadr spec))))]
      [(and (list? spec) (= (length spec) 2) (eq? (car spec) 'srfi) (symbol? (cadr spec))
            (regexp-match #rx"^srfi-([0-9]+)$" (symbol->string (cadr spec))))
       => (lambda (m) (string->symbol (format "srfi/~a" (cadr m))))]
      [else (raise (exn:fail:contract (format "environment: no such library: ~s" spec)
                                      (current-continuation-marks)))]))

  ;; A namespace with (scheme base), (scheme inexact) and the libraries `specs`.
  (define (make-environment specs)
    (let ([ns (make-base-empty-namespace)]
          [modules (map library-module (list* '(scheme base) '(scheme inexact) specs))])
      (for ([m modules])
        (parameterize ([current-namespace home])
          (dynamic-require m #f))
        (namespace-attach-module home m ns))
      (parameterize ([current-namespace ns])
        (for ([m modules]) (namespace-require m)))
      ns))

  ;; Read `file` and evaluate its forms one at a time in `ns`.
  (define (load-into file ns)
    (let ([path (path->complete-path file)])
      (let-values ([(folder name dir?) (split-path path)])
        (call-with-input-file path
          (lambda (in)
            (port-count-lines! in)
            (parameterize ([current-load-relative-directory folder])
              (let loop ([case-sensitive #t])
                (let ([form (parameterize ([read-case-sensitive case-sensitive])
                              (let ([f (r7rs-read-syntax file in)])
                                (cons f (read-case-sensitive))))])
                  (unless (eof-object? (car form))
                    (eval (namespace-syntax-introduce (car form) ns) ns)
                    (loop (cdr form))))))))))))

(module scheme-eval racket/base
  (require (submod ".." environments) (submod ".." naming))
  (provide environment (rename-out [r7:eval eval]))
  (define (environment . specs) (make-environment specs))
  (define-r7 (eval expr env) (eval expr env)))

(module scheme-load racket/base
  (require (submod ".." environments) (submod ".." naming))
  (provide (rename-out [r7:load load]))
  (define-r7 (load file [env (interaction-namespace)]) (load-into file env)))

(module scheme-repl racket/base
  (require (submod ".." environments))
  (provide interaction-environment)
  (define (interaction-environment) (interaction-namespace)))

;; ================================================================ the shim

(require (submod "." environments)
         (only-in (submod "." exceptions) r7rs-error?))

(define out (current-output-port))

(define (json-string s)
  (let ([o (open-output-string)])
    (write-char #\" o)
    (for ([c (in-string s)])
      (cond [(char=? c #\") (write-string "\\\"" o)]
            [(char=? c #\\) (write-string "\\\\" o)]
            [(char<? c #\space)
             (write-string "\\u00" o)
             (when (< (char->integer c) 16) (write-char #\0 o))
             (write-string (number->string (char->integer c) 16) o)]
            [else (write-char c o)]))
    (write-char #\" o)
    (get-output-string o)))

(define (written v) (let ([o (open-output-string)]) (write v o) (get-output-string o)))

(define (join-encoded vs)
  (let loop ([vs vs] [parts '()])
    (if (null? vs)
        (apply string-append (reverse parts))
        (loop (cdr vs) (cons (encode (car vs)) (if (null? parts) parts (cons "," parts)))))))

(define (encode v)
  (cond [(flonum? v) (string-append "\"f" (number->string v) "\"")]
        [(eq? v #t) "true"]
        [(eq? v #f) "false"]
        [(number? v)
         (cond [(not (real? v))
                (string-append "\"c" (number->string (real-part v)) " "
                               (number->string (imag-part v)) "\"")]
               [(exact? v) (string-append "\"x" (number->string v) "\"")]
               [else (string-append "\"f" (number->string v) "\"")])]
        [(null? v) "[]"]
        [(list? v) (string-append "[" (join-encoded v) "]")]
        [(string? v) (json-string (string-append "s" v))]
        [(char? v) (json-string (string-append "h" (string v)))]
        [(symbol? v) (json-string (string-append "y" (symbol->string v)))]
        [(vector? v) (string-append "{\"vector\":[" (join-encoded (vector->list v)) "]}")]
        [(pair? v) (string-append "{\"pair\":[" (encode (car v)) "," (encode (cdr v)) "]}")]
        [(void? v) "\"u\""]
        [else (json-string (string-append "o" (written v)))]))

;; A raised object as (KIND . MESSAGE).
(define (condition-text e)
  (cond [(r7rs-error? e) (cons "error" (exn-message e))]
        [(exn? e)
         (cons (regexp-replace #rx"^struct:" (symbol->string (vector-ref (struct->vector e) 0)) "")
               (exn-message e))]
        [else (cons "raise" (written e))]))

(define (emit . parts)
  (for ([p parts]) (write-string p out))
  (newline out)
  (flush-output out))

(define (emit-error id e)
  (let ([c (with-handlers ([(lambda (x) #t) (lambda (x) (cons "raise" "(unprintable)"))])
             (condition-text e))])
    (emit "[" (if id (number->string id) "null") ",\"error\"," (json-string (car c)) ","
          (json-string (cdr c)) "]")))

(define (token->datum t)
  (cond [(string->number t)]
        [(string=? t "#t") #t]
        [(string=? t "#f") #f]
        [else (error 'request "not a number or boolean: ~a" t)]))

;; A request is one line.  A flat one, (ID INDEX NUMBER ...), is split by
;; hand; one holding lists goes through `read`, with Racket's #reader and
;; #lang (which would run code) turned off.
(define (parse-request line)
  (let ([n (string-length line)])
    (let scan ([i 1])
      (cond
        [(>= i n)
         (let split ([i 1] [start 1] [tokens '()])
           (cond [(or (>= i n) (memv (string-ref line i) '(#\space #\))))
                  (let ([tokens (if (> i start) (cons (token->datum (substring line start i)) tokens) tokens)])
                    (if (>= i (- n 1)) (reverse tokens) (split (+ i 1) (+ i 1) tokens)))]
                 [else (split (+ i 1) start tokens)]))]
        [(char=? (string-ref line i) #\()
         (parameterize ([read-accept-reader #f] [read-accept-lang #f] [read-accept-compiled #f])
           (read (open-input-string line)))]
        [else (scan (+ i 1))]))))

;; ---------------------------------------------------------------- binary blocks

;; A block, (b ID COUNT SIZE) and SIZE bytes (see guile.scm's header), is read
;; from the same port as the request lines, and its answers are written to
;; `out`, the port the concept code writes to as well, so what a call prints
;; comes before its answer, as on the text path.

(define wire-nan (string->number "+nan.0"))   ; the NaN a request's +nan.0 reads as
(define record (make-bytes 9 0))              ; the answer of an inexact real: 0 and its 8 bytes
(define flushed 0.0)                          ; when the answers were last flushed (ms)

(define (wire-double data at)
  ;; the double at AT in DATA; a NaN as on the text path
  (let ([x (floating-point-bytes->real data #f at (+ at 8))])
    (if (= x x) x wire-nan)))

(define (read-datum text)
  (parameterize ([read-accept-reader #f] [read-accept-lang #f] [read-accept-compiled #f])
    (read (open-input-string text))))

(define (answer-calls procs data id0 count row call-end)
  ;; Answer the calls of a block from ROW, which starts at CALL-END in DATA, on:
  ;; #f when every one is answered, else (ROW . OFFSET) of the call after one
  ;; that raised (whose error is answered).  One handler for a run of calls.
  (define next 0)   ; where the next datum starts in DATA
  (define (u32 at) (integer-bytes->integer data #f #f at (+ at 4)))
  (define (magnitude-at at)
    ;; the integer of the length (4 bytes) and the little-endian bytes at AT
    (let ([n (u32 at)])
      (set! next (+ at 4 n))
      (let loop ([k (+ at 3 n)] [m 0])
        (if (< k (+ at 4))
            m
            (loop (- k 1) (+ (arithmetic-shift m 8) (bytes-ref data k)))))))
  (define (item)
    ;; the tagged datum at NEXT, which moves past it
    (let ([at next])
      (case (bytes-ref data at)
        [(0) (set! next (+ at 9))
             (wire-double data (+ at 1))]
        [(2) (set! next (+ at 9))
             (integer-bytes->integer data #t #f (+ at 1) (+ at 9))]
        [(3) (set! next (+ at 5))
             (items (u32 (+ at 1)))]
        [(5) (let ([n (u32 (+ at 1))])
               (set! next (+ at 5 (* 8 n)))
               (let collect ([k (- n 1)] [xs '()])
                 (if (< k 0)
                     xs
                     (collect (- k 1) (cons (wire-double data (+ at 5 (* 8 k))) xs)))))]
        [(7) (let ([m (magnitude-at (+ at 2))])
               (if (= (bytes-ref data (+ at 1)) 1) (- m) m))]
        [(8) (let* ([m (magnitude-at (+ at 2))]
                    [n (if (= (bytes-ref data (+ at 1)) 1) (- m) m)])
               (/ n (magnitude-at next)))]
        [(6) (let ([n (u32 (+ at 1))])
               (set! next (+ at 5 n))
               (read-datum (bytes->string/utf-8 (subbytes data (+ at 5) (+ at 5 n)) #\uFFFD)))]
        [else (error 'request "bad tag in a binary request: ~a" (bytes-ref data at))])))
  (define (items n)
    ;; N tagged data from NEXT on, as a list
    (let collect ([k n] [xs '()])
      (if (= k 0)
          (reverse xs)
          (collect (- k 1) (cons (item) xs)))))
  (with-handlers ([(lambda (e) (not (exn:break? e)))
                   (lambda (e)
                     (write-byte 1 out)
                     (emit-error (+ id0 row) e)
                     (set! flushed (current-inexact-monotonic-milliseconds))
                     (cons (+ row 1) call-end))])
    (let loop ()
      (if (= row count)
          #f
          (let ([at call-end])
            ;; the call's size comes first, so that the next call is found even
            ;; when this one's arguments cannot be read
            (set! call-end (+ at 7 (u32 (+ at 3))))
            (set! next (+ at 7))
            (let* ([proc (vector-ref procs (integer-bytes->integer data #f #f at (+ at 2)))]
                   [arity (bytes-ref data (+ at 2))]
                   [v (case arity
                        [(1) (proc (item))]
                        [(2) (let* ([x (item)] [y (item)]) (proc x y))]
                        [else (apply proc (items arity))])])
              (if (flonum? v)
                  (begin
                    (real->floating-point-bytes v 8 #f record 1)
                    (write-bytes record out))
                  (let ([text (string-append "[" (number->string (+ id0 row)) ",\"ok\"," (encode v) "]\n")])
                    (write-byte 1 out)
                    (write-string text out)))
              (let ([now (current-inexact-monotonic-milliseconds)])
                (when (> (- now flushed) 2.0)
                  (flush-output out)
                  (set! flushed now)))
              (set! row (+ row 1))
              (loop)))))))

(define (serve-block procs line in)
  ;; Answer the binary block whose header is LINE.
  (let* ([header (cdr (read-datum line))]
         [id0 (car header)]
         [count (cadr header)]
         [size (caddr header)]
         [data (read-bytes size in)])
    (when (and (bytes? data) (= (bytes-length data) size))
      (set! flushed (current-inexact-monotonic-milliseconds))
      (let resume ([more (answer-calls procs data id0 count 0 0)])
        (when more
          (resume (answer-calls procs data id0 count (car more) (cdr more)))))
      (flush-output out))))

(define (serve procs)
  (let ([in (current-input-port)])
    (let loop ()
      (let ([line (read-line in 'linefeed)])
        (unless (eof-object? line)
          (unless (string=? line "")
            (let ([id #f])
              (with-handlers ([(lambda (e) (not (exn:break? e))) (lambda (e) (emit-error id e))])
                (if (and (> (string-length line) 2) (char=? (string-ref line 1) #\b))
                    (serve-block procs line in)
                    (let ([req (parse-request line)])
                      (set! id (car req))
                      (let ([v (apply (vector-ref procs (cadr req)) (cddr req))])
                        (emit "[" (number->string id) ",\"ok\"," (encode v) "]")))))))
          (loop))))))

;; ---------------------------------------------------------------- start-up

(define loading "")  ; the source being loaded, named in a load-error

(define (parse-arguments args)
  ;; (LIBRARIES SOURCES NAMES)
  (let loop ([args args] [libraries '()] [sources '()])
    (cond [(null? args) (error 'racket.rkt "no -- before the names")]
          [(string=? (car args) "--") (list (reverse libraries) (reverse sources) (cdr args))]
          [(regexp-match? #rx"^[(]" (car args))
           (loop (cdr args) (cons (read (open-input-string (car args))) libraries) sources)]
          [else (loop (cdr args) libraries (cons (car args) sources))])))

(define (main args)
  (let* ([parsed (parse-arguments args)]
         [env (make-environment (car parsed))])
    (interaction-namespace env)
    (for ([source (cadr parsed)])
      (set! loading source)
      (load-into source env))
    (set! loading "")
    (let ([procs (for/vector ([name (caddr parsed)])
                   (with-handlers ([(lambda (e) #t)
                                    (lambda (e) (emit "[\"missing\"," (json-string name) "]") (exit 3))])
                     (eval (string->symbol name) env)))])
      (emit "[\"ready\"," (number->string (vector-length procs)) ",0,0]")
      (serve procs))))

;; Racket turns SIGTERM, SIGHUP and SIGINT into breaks and exits with code 1;
;; the shim dies by the signal instead, as other implementations do, so that
;; the runner can say which signal ended it.  (The FFI is loaded only then.)
(define (die-by-signal e)
  (let ([signal-number (cond [(exn:break:terminate? e) 15] [(exn:break:hang-up? e) 1] [else 2])])
    (with-handlers ([(lambda (x) #t) (lambda (x) (exit (+ 128 signal-number)))])
      (let* ([ffi (lambda (name) (dynamic-require 'ffi/unsafe name))]
             [c-function (lambda (name args result)
                           ((ffi 'get-ffi-obj) name #f ((ffi '_cprocedure) args result)))]
             [set-handler (c-function "signal" (list (ffi '_int) (ffi '_intptr)) (ffi '_intptr))]
             [send-signal (c-function "raise" (list (ffi '_int)) (ffi '_int))])
        (set-handler signal-number 0)   ; SIG_DFL
        (send-signal signal-number)
        (exit (+ 128 signal-number))))))

(with-handlers ([exn:break? die-by-signal]
                [(lambda (e) #t)
                 (lambda (e)
                   (let ([c (condition-text e)])
                     (emit "[\"load-error\"," (json-string (car c)) "," (json-string (cdr c)) ","
                           (json-string loading) "]"))
                   (exit 2))])
  (main (vector->list (current-command-line-arguments))))

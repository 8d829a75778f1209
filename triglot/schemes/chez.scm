;;; chez.scm — the Chez Scheme shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   chezscheme --script chez.scm [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment;
;;;          a SOURCE is FILE, loaded form by form (each form compiled by
;;;          Chez's `eval`, which is its compiler)
;;; startup: ["ready",COUNT,0,0]  or  ["load-error",KIND,MESSAGE,FILE]  or  ["missing",NAME]
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; binary:  (b ID COUNT SIZE) followed by SIZE bytes: COUNT calls, answered
;;;          in order, as in guile.scm's header (an inexact real as the byte 0
;;;          and its 8 bytes, anything else as the byte 1 and its answer line;
;;;          a call that raises answers its error and the block goes on; the
;;;          answers flushed at most 2 ms apart and at the end of the block)
;;; answer:  [ID,"ok",V]  or  [ID,"error",KIND,MESSAGE]
;;;          V as in guile.scm: "f<real>" (inexact), "x<real>" (exact),
;;;          "c<re> <im>" (non-real), true/false, a JSON array of V; and, for
;;;          the phrasebook, "s<string>", "h<char>", "y<symbol>", "u"
;;;          (unspecified), {"vector":[V,...]}, {"pair":[V,V]}, "o<printed object>".
;;;          KIND is "error" for R7RS `error` (MESSAGE: the message, then a
;;;          space and each irritant written), "raise" for a raised object that
;;;          is not a condition (MESSAGE: the object written), else the name of
;;;          Chez's condition type without its "&" ("assertion", "lexical",
;;;          "syntax", "i/o-file-does-not-exist", ...) and MESSAGE the text
;;;          Chez's display-condition gives it ("Exception in car: 1 is not a pair").
;;;
;;; Chez Scheme 9.5 is an R6RS system: it has no R7RS libraries.  So this file
;;; first defines them, (scheme base), (scheme inexact), (scheme char),
;;; (scheme cxr), (scheme case-lambda), (scheme complex), (scheme write),
;;; (scheme read), (scheme lazy) and (scheme time), as Chez libraries that
;;; re-export Chez's own bindings where Chez has the R7RS procedure, and wrap
;;; Chez's procedures where R7RS spells or specifies one differently.  The
;;; sources are loaded into a mutable copy of the environment of the libraries
;;; asked for, so they see those names and nothing else: a Chez extension in a
;;; concept file fails, loudly, as "variable X is not bound".  Any other
;;; library name (SRFI 1, say: Chez has none) is a load-error.
;;;
;;; Where Chez differed from R7RS-small, and what is done here:
;;;   - R6RS `error` is (error WHO MESSAGE IRRITANT ...); R7RS `error` is
;;;     (error MESSAGE IRRITANT ...), defined here, raising an &error condition
;;;     with a message and irritants and no &who: that is how the serving loop
;;;     tells it from Chez's own errors.  error-object?, error-object-message,
;;;     error-object-irritants, read-error? and file-error? read Chez's
;;;     conditions.  raise, raise-continuable, with-exception-handler and guard
;;;     are Chez's own (R6RS gives them R7RS's meaning).
;;;   - R7RS `case` allows `=> PROC` clauses, which Chez 9.5's `case` refuses:
;;;     such clauses are rewritten to call PROC, the rest is Chez's `case`.
;;;   - R6RS `define-record-type` has another syntax; the R7RS one is defined
;;;     on Chez's procedural record layer.  define-values, cond-expand,
;;;     syntax-error and include-ci, which Chez 9.5 lacks, are defined.
;;;   - Chez's map, for-each, vector-map, vector-for-each and string-for-each
;;;     refuse arguments of unequal lengths, where R7RS stops at the shortest;
;;;     assoc and member take no compare procedure; string->list, string-copy,
;;;     string-fill!, vector->list, vector-copy, vector-fill!, string->utf8,
;;;     utf8->string and bytevector-copy take no start/end; string-copy! and
;;;     bytevector-copy! take their arguments in R6RS's order; list-copy wants
;;;     a proper list; get-output-string empties the port; flush-output-port
;;;     wants a port.  Each is wrapped, Chez's procedure doing the work.
;;;   - Missing, and defined from Chez's procedures: exact-integer?, square,
;;;     floor/, floor-quotient, truncate/, list-set!, string-map,
;;;     string->vector, vector->string, vector-append, vector-copy!,
;;;     bytevector-append, the byte and string port procedures (read-line,
;;;     read-string, write-string, read-u8, ..., open-output-bytevector),
;;;     input-port-open?, output-port-open?, features, digit-value,
;;;     write-shared, write-simple, R7RS promises, current-second, current-jiffy.
;;;   Not offered: (scheme process-context), (scheme file), (scheme eval),
;;;   (scheme load), (scheme repl) (the shim owns the process and its ports),
;;;   and `import`.  Chez's reader is R6RS's: #\null, #\escape and #u8(...)
;;;   are read errors, and a vector constant must be quoted.  write-shared and
;;;   write-simple are Chez's `write` with print-graph on and off; Chez's
;;;   `write` already labels a cycle (after a warning on stderr).
;;;   Chez's own behaviour is kept where it is R7RS-conforming, so these are
;;;   honest differences from Guile, not hidden: (exp 0) is an exact 1,
;;;   number->string of a subnormal double ends in a mantissa width
;;;   ("5e-324|1"), (log 0) raises, case keys compare with equal?.
;;;
;;; Numbers.  Chez's reader and string->number round every decimal correctly
;;; (subnormals included), and number->string prints the shortest digits that
;;; read back to the same double; only a subnormal gets the "|WIDTH" suffix,
;;; which is cut off here before the answer goes out.  -0.0, +inf.0, -inf.0
;;; and +nan.0 print as Python reads them.  One argument needs care: Chez
;;; reads +nan.0 as the NaN whose sign bit is set, not Python's, so a NaN
;;; argument is replaced by the NaN with the sign bit clear (see wire-nan).
;;;
;;; Compiled, not interpreted: Chez's `eval` is its compiler, which folds
;;; constant expressions (calling the procedures it would call at run time:
;;; the canonical cases give the same outcomes with Chez's `interpret`), and
;;; warns on stderr about calls it can see are wrong.  Warnings (conditions
;;; that are not serious) are never caught here, so they never end a load or
;;; a call: Chez's handler prints them on stderr and the program goes on.
;;;
;;; This file is Chez-specific throughout: Chez's library forms, syntax-case,
;;; record and condition procedures, copy-environment and load.

;; ================================================================ the R7RS libraries

(library (scheme base)
  (export
    * + - ... / < <= = => > >= _ abs and append apply assq assv begin binary-port?
    boolean=? boolean? bytevector bytevector-length bytevector-u8-ref bytevector-u8-set!
    bytevector? caar cadr call-with-current-continuation call-with-port call-with-values
    call/cc car cdar cddr cdr ceiling char->integer char-ready? char<=? char<? char=? char>=?
    char>? char? close-input-port close-output-port close-port complex? cond cons
    current-error-port current-input-port current-output-port define define-syntax
    denominator do dynamic-wind else eof-object eof-object? eq? equal? eqv? even? exact
    exact-integer-sqrt exact? expt floor gcd guard if include inexact inexact? input-port?
    integer->char integer? lambda lcm length let let* let*-values let-syntax let-values
    letrec letrec* letrec-syntax list list->string list->vector list-ref list-tail list?
    make-bytevector make-list make-parameter make-string make-vector max memq memv min
    modulo negative? newline not null? number->string number? numerator odd?
    open-input-string open-output-string or output-port? pair? parameterize peek-char
    positive? procedure? quasiquote quote quotient raise raise-continuable rational?
    rationalize read-char real? remainder reverse round set! set-car! set-cdr! string
    string->number string->symbol string-append string-length string-ref string-set!
    string<=? string<? string=? string>=? string>? string? substring symbol->string
    symbol=? symbol? syntax-rules textual-port? truncate unless unquote unquote-splicing
    values vector vector-length vector-ref vector-set! vector? when with-exception-handler
    write-char zero?
    (rename (quotient truncate-quotient) (remainder truncate-remainder)
            (modulo floor-remainder) (open-bytevector-input-port open-input-bytevector)
            (r7:error error) (r7:error-object? error-object?)
            (r7:error-object-message error-object-message)
            (r7:error-object-irritants error-object-irritants)
            (r7:read-error? read-error?) (r7:file-error? file-error?)
            (r7:case case) (r7:define-record-type define-record-type)
            (r7:define-values define-values) (r7:cond-expand cond-expand)
            (r7:syntax-error syntax-error) (r7:include-ci include-ci)
            (r7:exact-integer? exact-integer?) (r7:square square)
            (r7:floor/ floor/) (r7:floor-quotient floor-quotient) (r7:truncate/ truncate/)
            (r7:assoc assoc) (r7:member member) (r7:map map) (r7:for-each for-each)
            (r7:list-copy list-copy) (r7:list-set! list-set!)
            (r7:string-map string-map) (r7:string-for-each string-for-each)
            (r7:string->list string->list) (r7:string-copy string-copy)
            (r7:string-copy! string-copy!) (r7:string-fill! string-fill!)
            (r7:string->vector string->vector) (r7:vector->string vector->string)
            (r7:vector-map vector-map) (r7:vector-for-each vector-for-each)
            (r7:vector->list vector->list) (r7:vector-copy vector-copy)
            (r7:vector-copy! vector-copy!) (r7:vector-fill! vector-fill!)
            (r7:vector-append vector-append)
            (r7:bytevector-copy bytevector-copy) (r7:bytevector-copy! bytevector-copy!)
            (r7:bytevector-append bytevector-append)
            (r7:utf8->string utf8->string) (r7:string->utf8 string->utf8)
            (r7:read-line read-line) (r7:read-string read-string)
            (r7:write-string write-string) (r7:read-u8 read-u8) (r7:peek-u8 peek-u8)
            (r7:u8-ready? u8-ready?) (r7:read-bytevector read-bytevector)
            (r7:read-bytevector! read-bytevector!) (r7:write-u8 write-u8)
            (r7:write-bytevector write-bytevector) (r7:flush-output-port flush-output-port)
            (r7:open-output-bytevector open-output-bytevector)
            (r7:get-output-bytevector get-output-bytevector)
            (r7:get-output-string get-output-string)
            (r7:input-port-open? input-port-open?) (r7:output-port-open? output-port-open?)
            (r7:features features)))
  (import (chezscheme))

  ;; ------------------------------------------------------------ errors

  ;; No &who: the serving loop takes an &error without one for R7RS's.
  (define (r7:error message . irritants)
    (raise (condition (make-error) (make-message-condition message)
                      (make-irritants-condition irritants))))

  (define (r7:error-object? obj)
    (and (condition? obj) (serious-condition? obj)))

  (define (r7:error-object-message obj)
    (if (message-condition? obj) (condition-message obj) ""))

  (define (r7:error-object-irritants obj)
    (if (irritants-condition? obj) (condition-irritants obj) '()))

  (define (r7:read-error? obj)
    (and (condition? obj) (or (lexical-violation? obj) (i/o-read-error? obj))))

  (define (r7:file-error? obj)
    (and (condition? obj) (i/o-filename-error? obj)))

  ;; ------------------------------------------------------------ syntax

  (define-syntax r7:case
    (lambda (x)
      (syntax-case x ()
        ((_ key clause ...)
         (with-syntax (((clause ...)
                        (map (lambda (c)
                               (syntax-case c (=>)
                                 ((data => proc) #'(data (proc k)))
                                 (_ c)))
                             #'(clause ...))))
           #'(let ((k key)) (case k clause ...)))))))

  (define-syntax r7:define-record-type
    (lambda (x)
      (define (name-of id) (syntax->datum id))
      (syntax-case x ()
        ((_ type ctor-spec pred spec ...)
         (let* ((specs #'(spec ...))
                (fields (map (lambda (s) (syntax-case s () ((f . _) #'f))) specs)))
           (with-syntax
               (((field ...) fields)
                ((ctor-def ...)
                 (syntax-case #'ctor-spec ()
                   ((ctor cfield ...)
                    (with-syntax
                        (((arg ...)
                          (map (lambda (f)
                                 (let ((given (memp (lambda (c) (eq? (name-of c) (name-of f)))
                                                    #'(cfield ...))))
                                   (if given (car given) #'#f)))
                               fields)))
                      #'((define ctor
                           (let ((make (record-constructor
                                         (make-record-constructor-descriptor type #f #f))))
                             (lambda (cfield ...) (make arg ...)))))))
                   (ctor (identifier? #'ctor)
                    #'((define ctor (record-constructor
                                      (make-record-constructor-descriptor type #f #f)))))))
                ((access-def ...)
                 (let loop ((specs specs) (i 0))
                   (if (null? specs)
                       '()
                       (append
                         (syntax-case (car specs) ()
                           ((f get) #`((define get (record-accessor type #,i))))
                           ((f get set) #`((define get (record-accessor type #,i))
                                           (define set (record-mutator type #,i)))))
                         (loop (cdr specs) (+ i 1)))))))
             #'(begin
                 (define type
                   (make-record-type-descriptor 'type #f #f #f #f '#((mutable field) ...)))
                 ctor-def ...
                 (define pred (record-predicate type))
                 access-def ...)))))))

  ;; R7RS 7.3's definition.
  (define-syntax r7:define-values
    (syntax-rules ()
      ((_ () expr)
       (define dummy (call-with-values (lambda () expr) (lambda args #f))))
      ((_ (var) expr)
       (define var expr))
      ((_ (var0 var1 ... varn) expr)
       (begin
         (define var0 (call-with-values (lambda () expr) list))
         (define var1 (let ((v (cadr var0))) (set-cdr! var0 (cddr var0)) v)) ...
         (define varn (let ((v (cadr var0))) (set! var0 (car var0)) v))))
      ((_ (var0 var1 ... . varn) expr)
       (begin
         (define var0 (call-with-values (lambda () expr) list))
         (define var1 (let ((v (cadr var0))) (set-cdr! var0 (cddr var0)) v)) ...
         (define varn (let ((v (cdr var0))) (set! var0 (car var0)) v))))
      ((_ var expr)
       (define var (call-with-values (lambda () expr) list)))))

  (define-syntax r7:cond-expand
    (lambda (x)
      ;; r7:features's list, again: a transformer cannot call the library's procedures
      (define features
        (list 'r7rs 'exact-closed 'exact-complex 'ieee-float 'full-unicode 'ratios
              'chezscheme (machine-type)))
      (define (holds? req)
        (cond ((symbol? req) (memq req features))
              ((and (pair? req) (list? req))
               (case (car req)
                 ((and) (for-all holds? (cdr req)))
                 ((or) (exists holds? (cdr req)))
                 ((not) (not (holds? (cadr req))))
                 ((library) (member (cadr req) (library-list)))
                 (else #f)))
              (else #f)))
      (syntax-case x ()
        ((_ clause ...)
         (let loop ((clauses #'(clause ...)))
           (if (null? clauses)
               #'(begin)
               (syntax-case (car clauses) (else)
                 ((else body ...) #'(begin body ...))
                 ((req body ...)
                  (if (holds? (syntax->datum #'req))
                      #'(begin body ...)
                      (loop (cdr clauses)))))))))))

  (define-syntax r7:syntax-error
    (lambda (x)
      (syntax-case x ()
        ((_ message arg ...)
         (syntax-violation #f (syntax->datum #'message) x)))))

  (define-syntax r7:include-ci
    (lambda (x)
      (syntax-case x ()
        ((k file ...)
         (let ((forms
                 (apply append
                   (map (lambda (f)
                          (call-with-input-file f
                            (lambda (port)
                              (parameterize ((case-sensitive #f))
                                (let loop ((acc '()))
                                  (let ((form (read port)))
                                    (if (eof-object? form)
                                        (reverse acc)
                                        (loop (cons form acc)))))))))
                        (syntax->datum #'(file ...))))))
           (datum->syntax #'k (cons 'begin forms)))))))

  ;; ------------------------------------------------------------ numbers

  (define (r7:exact-integer? obj) (or (fixnum? obj) (bignum? obj)))

  (define (r7:square z) (* z z))

  (define (r7:floor/ n m)
    (let ((q (quotient n m)) (r (remainder n m)))
      (if (and (not (zero? r)) (if (negative? m) (positive? r) (negative? r)))
          (values (- q 1) (+ r m))
          (values q r))))

  (define (r7:floor-quotient n m)
    (call-with-values (lambda () (r7:floor/ n m)) (lambda (q r) q)))

  (define (r7:truncate/ n m) (values (quotient n m) (remainder n m)))

  (define (r7:features)
    (list 'r7rs 'exact-closed 'exact-complex 'ieee-float 'full-unicode 'ratios
          'chezscheme (machine-type)))

  ;; ------------------------------------------------------------ lists

  (define r7:assoc
    (case-lambda
      ((obj alist) (assoc obj alist))
      ((obj alist same?)
       (let loop ((alist alist))
         (cond ((null? alist) #f)
               ((same? obj (caar alist)) (car alist))
               (else (loop (cdr alist))))))))

  (define r7:member
    (case-lambda
      ((obj list) (member obj list))
      ((obj list same?)
       (let loop ((list list))
         (cond ((null? list) #f)
               ((same? obj (car list)) list)
               (else (loop (cdr list))))))))

  (define (same-lengths? lists)
    (and (for-all list? lists)
         (let ((n (length (car lists))))
           (for-all (lambda (l) (= (length l) n)) (cdr lists)))))

  (define r7:map
    (case-lambda
      ((f list) (map f list))
      ((f list . lists)
       (let ((all (cons list lists)))
         (if (same-lengths? all)
             (apply map f all)
             (let loop ((all all))
               (if (exists null? all)
                   '()
                   (let ((v (apply f (map car all))))
                     (cons v (loop (map cdr all)))))))))))

  (define r7:for-each
    (case-lambda
      ((f list) (for-each f list))
      ((f list . lists)
       (let ((all (cons list lists)))
         (if (same-lengths? all)
             (apply for-each f all)
             (let loop ((all all))
               (unless (exists null? all)
                 (apply f (map car all))
                 (loop (map cdr all)))))))))

  (define (r7:list-copy obj)
    (let loop ((x obj))
      (if (pair? x) (cons (car x) (loop (cdr x))) x)))

  (define (r7:list-set! list k obj) (set-car! (list-tail list k) obj))

  ;; ------------------------------------------------------------ strings and vectors

  (define (shortest lengths) (apply min lengths))

  (define r7:string-map
    (case-lambda
      ((f s)
       (let* ((n (string-length s)) (out (make-string n)))
         (do ((i 0 (+ i 1))) ((= i n) out)
           (string-set! out i (f (string-ref s i))))))
      ((f s . ss)
       (let* ((all (cons s ss)) (n (shortest (map string-length all))) (out (make-string n)))
         (do ((i 0 (+ i 1))) ((= i n) out)
           (string-set! out i (apply f (map (lambda (s) (string-ref s i)) all))))))))

  (define r7:string-for-each
    (case-lambda
      ((f s) (string-for-each f s))
      ((f s . ss)
       (let* ((all (cons s ss)) (n (shortest (map string-length all))))
         (do ((i 0 (+ i 1))) ((= i n))
           (apply f (map (lambda (s) (string-ref s i)) all)))))))

  (define r7:vector-map
    (case-lambda
      ((f v) (vector-map f v))
      ((f v . vs)
       (let* ((all (cons v vs)) (n (shortest (map vector-length all))))
         (if (for-all (lambda (v) (= (vector-length v) n)) all)
             (apply vector-map f all)
             (apply vector-map f (map (lambda (v) (r7:vector-copy v 0 n)) all)))))))

  (define r7:vector-for-each
    (case-lambda
      ((f v) (vector-for-each f v))
      ((f v . vs)
       (let* ((all (cons v vs)) (n (shortest (map vector-length all))))
         (do ((i 0 (+ i 1))) ((= i n))
           (apply f (map (lambda (v) (vector-ref v i)) all)))))))

  (define r7:string->list
    (case-lambda
      ((s) (string->list s))
      ((s start) (string->list (substring s start (string-length s))))
      ((s start end) (string->list (substring s start end)))))

  (define r7:string-copy
    (case-lambda
      ((s) (string-copy s))
      ((s start) (substring s start (string-length s)))
      ((s start end) (substring s start end))))

  (define r7:string-copy!
    (case-lambda
      ((to at from) (r7:string-copy! to at from 0 (string-length from)))
      ((to at from start) (r7:string-copy! to at from start (string-length from)))
      ((to at from start end) (string-copy! from start to at (- end start)))))

  (define r7:string-fill!
    (case-lambda
      ((s c) (string-fill! s c))
      ((s c start) (r7:string-fill! s c start (string-length s)))
      ((s c start end)
       (do ((i start (+ i 1))) ((>= i end)) (string-set! s i c)))))

  (define r7:string->vector
    (case-lambda
      ((s) (list->vector (string->list s)))
      ((s start) (list->vector (r7:string->list s start)))
      ((s start end) (list->vector (r7:string->list s start end)))))

  (define r7:vector->string
    (case-lambda
      ((v) (list->string (vector->list v)))
      ((v start) (list->string (r7:vector->list v start)))
      ((v start end) (list->string (r7:vector->list v start end)))))

  (define r7:vector->list
    (case-lambda
      ((v) (vector->list v))
      ((v start) (r7:vector->list v start (vector-length v)))
      ((v start end)
       (unless (<= 0 start end (vector-length v))
         (assertion-violation 'vector->list "invalid range" start end))
       (let loop ((i (- end 1)) (acc '()))
         (if (< i start) acc (loop (- i 1) (cons (vector-ref v i) acc)))))))

  (define r7:vector-copy
    (case-lambda
      ((v) (vector-copy v))
      ((v start) (r7:vector-copy v start (vector-length v)))
      ((v start end)
       (unless (<= 0 start end (vector-length v))
         (assertion-violation 'vector-copy "invalid range" start end))
       (let ((out (make-vector (- end start))))
         (do ((i start (+ i 1))) ((= i end) out)
           (vector-set! out (- i start) (vector-ref v i)))))))

  (define r7:vector-copy!
    (case-lambda
      ((to at from) (r7:vector-copy! to at from 0 (vector-length from)))
      ((to at from start) (r7:vector-copy! to at from start (vector-length from)))
      ((to at from start end)
       (unless (and (<= 0 start end (vector-length from))
                    (<= 0 at (- (vector-length to) (- end start))))
         (assertion-violation 'vector-copy! "invalid range" at start end))
       (if (and (eq? to from) (> at start))   ; overlapping: copy from the end
           (do ((i (- end 1) (- i 1))) ((< i start))
             (vector-set! to (+ at (- i start)) (vector-ref from i)))
           (do ((i start (+ i 1))) ((= i end))
             (vector-set! to (+ at (- i start)) (vector-ref from i)))))))

  (define r7:vector-fill!
    (case-lambda
      ((v fill) (vector-fill! v fill))
      ((v fill start) (r7:vector-fill! v fill start (vector-length v)))
      ((v fill start end)
       (do ((i start (+ i 1))) ((>= i end)) (vector-set! v i fill)))))

  (define (r7:vector-append . vs)
    (list->vector (apply append (map vector->list vs))))

  ;; ------------------------------------------------------------ bytevectors

  (define r7:bytevector-copy
    (case-lambda
      ((bv) (bytevector-copy bv))
      ((bv start) (r7:bytevector-copy bv start (bytevector-length bv)))
      ((bv start end)
       (let ((out (make-bytevector (- end start))))
         (bytevector-copy! bv start out 0 (- end start))
         out))))

  (define r7:bytevector-copy!
    (case-lambda
      ((to at from) (bytevector-copy! from 0 to at (bytevector-length from)))
      ((to at from start) (bytevector-copy! from start to at (- (bytevector-length from) start)))
      ((to at from start end) (bytevector-copy! from start to at (- end start)))))

  (define (r7:bytevector-append . bvs)
    (let ((out (make-bytevector (apply + (map bytevector-length bvs)))))
      (let loop ((bvs bvs) (at 0))
        (if (null? bvs)
            out
            (let ((n (bytevector-length (car bvs))))
              (bytevector-copy! (car bvs) 0 out at n)
              (loop (cdr bvs) (+ at n)))))))

  (define r7:utf8->string
    (case-lambda
      ((bv) (utf8->string bv))
      ((bv start) (utf8->string (r7:bytevector-copy bv start)))
      ((bv start end) (utf8->string (r7:bytevector-copy bv start end)))))

  (define r7:string->utf8
    (case-lambda
      ((s) (string->utf8 s))
      ((s start) (string->utf8 (r7:string-copy s start)))
      ((s start end) (string->utf8 (r7:string-copy s start end)))))

  ;; ------------------------------------------------------------ ports

  (define r7:read-line
    (case-lambda
      (() (get-line (current-input-port)))
      ((port) (get-line port))))

  (define r7:read-string
    (case-lambda
      ((k) (get-string-n (current-input-port) k))
      ((k port) (get-string-n port k))))

  (define r7:write-string
    (case-lambda
      ((s) (put-string (current-output-port) s))
      ((s port) (put-string port s))
      ((s port start) (put-string port s start (- (string-length s) start)))
      ((s port start end) (put-string port s start (- end start)))))

  (define (binary-input) (standard-input-port))
  (define (binary-output) (standard-output-port))

  (define r7:read-u8
    (case-lambda (() (get-u8 (binary-input))) ((port) (get-u8 port))))

  (define r7:peek-u8
    (case-lambda (() (lookahead-u8 (binary-input))) ((port) (lookahead-u8 port))))

  (define r7:u8-ready?
    (case-lambda (() (input-port-ready? (binary-input))) ((port) (input-port-ready? port))))

  (define r7:read-bytevector
    (case-lambda
      ((k) (get-bytevector-n (binary-input) k))
      ((k port) (get-bytevector-n port k))))

  (define r7:read-bytevector!
    (case-lambda
      ((bv) (r7:read-bytevector! bv (binary-input) 0 (bytevector-length bv)))
      ((bv port) (r7:read-bytevector! bv port 0 (bytevector-length bv)))
      ((bv port start) (r7:read-bytevector! bv port start (bytevector-length bv)))
      ((bv port start end) (get-bytevector-n! port bv start (- end start)))))

  (define r7:write-u8
    (case-lambda ((byte) (put-u8 (binary-output) byte)) ((byte port) (put-u8 port byte))))

  (define r7:write-bytevector
    (case-lambda
      ((bv) (put-bytevector (binary-output) bv))
      ((bv port) (put-bytevector port bv))
      ((bv port start) (put-bytevector port bv start (- (bytevector-length bv) start)))
      ((bv port start end) (put-bytevector port bv start (- end start)))))

  (define r7:flush-output-port
    (case-lambda
      (() (flush-output-port (current-output-port)))
      ((port) (flush-output-port port))))

  ;; R6RS's bytevector output port comes with an extractor (which empties it):
  ;; kept here, by port, for get-output-bytevector.
  (define extractors (make-weak-eq-hashtable))

  (define (r7:open-output-bytevector)
    (call-with-values open-bytevector-output-port
      (lambda (port extract)
        (hashtable-set! extractors port extract)
        port)))

  (define (r7:get-output-bytevector port)
    (let ((extract (hashtable-ref extractors port #f)))
      (unless extract
        (assertion-violation 'get-output-bytevector "not a bytevector output port" port))
      (let ((bv (extract)))
        (put-bytevector port bv)   ; R7RS leaves the port as it was
        bv)))

  (define (r7:get-output-string port)
    (let ((s (get-output-string port)))
      (put-string port s)          ; R7RS leaves the port as it was
      s))

  (define (r7:input-port-open? port)
    (and (input-port? port) (not (port-closed? port))))

  (define (r7:output-port-open? port)
    (and (output-port? port) (not (port-closed? port)))))

(library (scheme inexact)
  (export acos asin atan cos exp (rename (r7:finite? finite?) (r7:infinite? infinite?) (r7:nan? nan?))
          log sin sqrt tan)
  (import (chezscheme))

  ;; R7RS 6.2.6 defines these for every number; Chez's (R6RS) take reals only, and
  ;; (finite? 1.0+2.0i) raises there.  A complex number is finite when both parts are.
  (define (r7:finite? z)
    (if (real? z) (finite? z) (and (finite? (real-part z)) (finite? (imag-part z)))))
  (define (r7:infinite? z)
    (if (real? z) (infinite? z) (or (infinite? (real-part z)) (infinite? (imag-part z)))))
  (define (r7:nan? z)
    (if (real? z) (nan? z) (or (nan? (real-part z)) (nan? (imag-part z))))))

(library (scheme char)
  (export char-alphabetic? char-ci<=? char-ci<? char-ci=? char-ci>=? char-ci>? char-downcase
          char-foldcase char-lower-case? char-numeric? char-upcase char-upper-case?
          char-whitespace? digit-value string-ci<=? string-ci<? string-ci=? string-ci>=?
          string-ci>? string-downcase string-foldcase string-upcase)
  (import (chezscheme))
  ;; Unicode puts the decimal digits (category Nd) in runs of ten, 0 to 9, so
  ;; a digit's value is its distance from the start of its run of Nd, mod 10.
  (define (digit-value c)
    (and (eq? (char-general-category c) 'Nd)
         (let loop ((n (char->integer c)) (k 0))
           (if (and (> n 0) (eq? (char-general-category (integer->char (- n 1))) 'Nd))
               (loop (- n 1) (+ k 1))
               (mod k 10))))))

(library (scheme cxr)
  (export caaar caadr cadar caddr cdaar cdadr cddar cdddr caaaar caaadr caadar caaddr
          cadaar cadadr caddar cadddr cdaaar cdaadr cdadar cdaddr cddaar cddadr cdddar cddddr)
  (import (chezscheme)))

(library (scheme case-lambda)
  (export case-lambda)
  (import (chezscheme)))

(library (scheme complex)
  (export angle imag-part magnitude make-polar make-rectangular real-part)
  (import (chezscheme)))

(library (scheme read)
  (export read)
  (import (chezscheme)))

(library (scheme write)
  (export display write write-shared write-simple)
  (import (chezscheme))
  (define write-shared
    (case-lambda
      ((obj) (write-shared obj (current-output-port)))
      ((obj port) (parameterize ((print-graph #t)) (write obj port)))))
  (define write-simple
    (case-lambda
      ((obj) (write-simple obj (current-output-port)))
      ((obj port) (parameterize ((print-graph #f)) (write obj port))))))

(library (scheme time)
  (export current-second current-jiffy jiffies-per-second)
  (import (chezscheme))
  (define (current-second)
    (let ((t (current-time 'time-utc)))
      (+ (time-second t) (/ (time-nanosecond t) 1e9))))
  (define (current-jiffy)
    (let ((t (current-time 'time-monotonic)))
      (+ (* (time-second t) 1000000000) (time-nanosecond t))))
  (define (jiffies-per-second) 1000000000))

;; Chez's delay and force are R5RS's; R7RS's (with delay-force, iterative
;; forcing) follow R7RS 7.3's definition.
(library (scheme lazy)
  (export delay delay-force force make-promise promise?)
  (import (except (chezscheme) delay force))
  (define-record-type (promise new-promise promise?) (fields (mutable box)))
  (define (done? p) (car (promise-box p)))
  (define (value p) (cdr (promise-box p)))
  (define-syntax delay-force
    (syntax-rules () ((_ expr) (new-promise (cons #f (lambda () expr))))))
  (define-syntax delay
    (syntax-rules () ((_ expr) (delay-force (new-promise (cons #t expr))))))
  (define (make-promise obj)
    (if (promise? obj) obj (new-promise (cons #t obj))))
  (define (force p)
    (if (not (promise? p))
        p
        (if (done? p)
            (value p)
            (let ((p* ((value p))))
              (unless (done? p)
                (let ((p* (make-promise p*)))
                  (set-car! (promise-box p) (done? p*))
                  (set-cdr! (promise-box p) (value p*))
                  (promise-box-set! p* (promise-box p))))
              (force p))))))

;; ================================================================ the wire

(define out (current-output-port))   ; stdout, the port the concept code writes to as well
(define in (standard-input-port))    ; stdin, as bytes (see get-request-line)
(define loading "")                  ; the source being loaded, named in a load-error

(define (put-json-string s port)
  (put-char port #\")
  (string-for-each
    (lambda (c)
      (cond ((char=? c #\") (put-string port "\\\""))
            ((char=? c #\\) (put-string port "\\\\"))
            ((char<? c #\space)
             (let ((hex (number->string (char->integer c) 16)))
               (put-string port "\\u00")
               (when (< (string-length hex) 2) (put-char port #\0))
               (put-string port hex)))
            (else (put-char port c))))
    s)
  (put-char port #\"))

(define (json-string s)
  (call-with-string-output-port (lambda (port) (put-json-string s port))))

(define (written x)
  (call-with-string-output-port (lambda (port) (write x port))))

(define (flonum->text x)
  ;; A subnormal prints as DIGITS|WIDTH: the DIGITS alone read back to x.
  (let ((s (number->string x)))
    (if (and (fl< (flabs x) 2.2250738585072014e-308) (not (fl= x 0.0)))
        (let cut ((i 0))
          (cond ((= i (string-length s)) s)
                ((char=? (string-ref s i) #\|) (substring s 0 i))
                (else (cut (+ i 1)))))
        s)))

(define (real->text x)
  (if (flonum? x) (flonum->text x) (number->string x)))

(define (encode v port)
  (cond ((flonum? v)
         (put-string port "\"f")
         (put-string port (flonum->text v))
         (put-char port #\"))
        ((eq? v #t) (put-string port "true"))
        ((eq? v #f) (put-string port "false"))
        ((and (number? v) (real? v))
         (put-string port "\"x")
         (put-string port (number->string v))
         (put-char port #\"))
        ((number? v)
         (put-string port "\"c")
         (put-string port (real->text (real-part v)))
         (put-char port #\space)
         (put-string port (real->text (imag-part v)))
         (put-char port #\"))
        ((null? v) (put-string port "[]"))
        ((list? v)
         (put-char port #\[)
         (encode (car v) port)
         (for-each (lambda (x) (put-char port #\,) (encode x port)) (cdr v))
         (put-char port #\]))
        ((string? v) (put-json-string (string-append "s" v) port))
        ((char? v) (put-json-string (string #\h v) port))
        ((symbol? v) (put-json-string (string-append "y" (symbol->string v)) port))
        ((vector? v)
         (put-string port "{\"vector\":")
         (encode (vector->list v) port)
         (put-char port #\}))
        ((pair? v)
         (put-string port "{\"pair\":[")
         (encode (car v) port)
         (put-char port #\,)
         (encode (cdr v) port)
         (put-string port "]}"))
        ((eq? v (void)) (put-string port "\"u\""))
        (else (put-json-string (string-append "o" (written v)) port))))

;; The parts of a condition that only describe it, not its kind.
(define describing '(&format &who &message &irritants &continuation &source
                     &i/o-port &i/o-read &i/o-write))

(define (condition-kind c)
  (let* ((names (map (lambda (s) (symbol->string (record-type-name (record-rtd s))))
                     (simple-conditions c)))
         (kinds (filter (lambda (n) (not (memq (string->symbol n) describing))) names))
         (name (cond ((pair? kinds) (car kinds))
                     ((pair? names) (car names))
                     (else "&condition"))))
    (if (and (> (string-length name) 1) (char=? (string-ref name 0) #\&))
        (substring name 1 (string-length name))
        name)))

;; A raised object as (KIND . MESSAGE).
(define (condition-text c)
  (guard (e (#t (cons "condition" (written c))))
    (cond ((not (condition? c)) (cons "raise" (written c)))
          ((and (error? c) (message-condition? c) (not (who-condition? c)))
           (cons "error"
                 (apply string-append
                        (let ((m (condition-message c)))
                          (if (string? m) m (written m)))
                        (map (lambda (x) (string-append " " (written x)))
                             (if (irritants-condition? c) (condition-irritants c) '())))))
          (else (cons (condition-kind c)
                      (call-with-string-output-port (lambda (p) (display-condition c p))))))))

;; What the loops catch: anything raised, except a condition that is not
;; serious (a warning), which goes on to Chez's handler: printed on stderr.
(define (caught? c) (or (not (condition? c)) (serious-condition? c)))

;; ================================================================ serving

;; Chez reads +nan.0 as the NaN with the sign bit set (x86's default NaN),
;; and Chez's `log` takes such a NaN for a negative number: (log +nan.0) is
;; +nan.0+3.141592653589793i.  Python's NaN, which +nan.0 stands for on the
;; wire, has the sign bit clear: that is the double the call gets.
(define wire-nan (flabs +nan.0))

(define (token->datum t)
  (let ((x (string->number t)))
    (cond ((not x)
           (cond ((string=? t "#t") #t)
                 ((string=? t "#f") #f)
                 (else (error 'request "not a number or boolean" t))))
          ((and (flonum? x) (not (fl= x x))) wire-nan)
          (else x))))

(define (wire-nans datum)
  (cond ((pair? datum) (cons (wire-nans (car datum)) (wire-nans (cdr datum))))
        ((and (flonum? datum) (not (fl= datum datum))) wire-nan)
        (else datum)))

(define (read-request line)
  (wire-nans (read (open-input-string line))))

;; A request is one line.  A flat one, (ID INDEX NUMBER ...), is split by hand,
;; faster than `read`; one holding lists goes through `read`.
(define (parse-request line)
  (let ((end (- (string-length line) 1)))
    (if (or (< end 1) (not (char=? (string-ref line end) #\))))
        (read-request line)
        (let loop ((i end) (stop end) (acc '()))
          (if (= i 0)
              (if (> stop 1) (cons (token->datum (substring line 1 stop)) acc) acc)
              (let ((c (string-ref line i)))
                (cond ((char=? c #\space)
                       (loop (- i 1) i
                             (if (> stop (+ i 1))
                                 (cons (token->datum (substring line (+ i 1) stop)) acc)
                                 acc)))
                      ((or (char=? c #\)) (char=? c #\()) (read-request line))
                      (else (loop (- i 1) stop acc)))))))))

;; Each answer is made here, then written at once, so that a call that raises
;; half-way through encoding leaves nothing on stdout.  (Chez's
;; get-output-string empties the port: taking the text starts the next answer.)
(define answer (open-output-string))

(define (emit-answer!)
  (put-string out (get-output-string answer))
  (flush-output-port out))

(define (put-error-answer! id c)
  ;; the answer [ID,"error",KIND,MESSAGE] to a call that raised C, into `answer`
  (let ((text (condition-text c)))
    (get-output-string answer)   ; drop a half-made answer
    (put-char answer #\[)
    (put-string answer (if (number? id) (number->string id) "null"))
    (put-string answer ",\"error\",")
    (put-json-string (car text) answer)
    (put-char answer #\,)
    (put-json-string (cdr text) answer)
    (put-string answer "]\n")))

;; ---------------------------------------------------------------- standard input

;; Standard input is read as bytes, through in-buffer, and the request lines
;; are cut out of it and decoded from UTF-8 here: a binary block's bytes come
;; right after its header line, and Chez's console port decodes everything it
;; reads, so it could not hand them over.
(define in-buffer (make-bytevector 65536))
(define in-start 0)   ; the first byte in in-buffer not yet taken
(define in-end 0)     ; the end of the bytes read into in-buffer

(define (fill-buffer!)
  ;; Read more of stdin into in-buffer, after the bytes not yet taken (moved to
  ;; its start, in a larger buffer when they fill it); #f at the end of stdin.
  (let ((kept (fx- in-end in-start)))
    (bytevector-copy! in-buffer in-start in-buffer 0 kept)
    (set! in-start 0)
    (set! in-end kept)
    (when (fx= kept (bytevector-length in-buffer))
      (let ((larger (make-bytevector (fx* 2 kept))))
        (bytevector-copy! in-buffer 0 larger 0 kept)
        (set! in-buffer larger)))
    (let ((got (get-bytevector-some! in in-buffer kept (fx- (bytevector-length in-buffer) kept))))
      (and (fixnum? got) (fx> got 0)
           (begin (set! in-end (fx+ kept got)) #t)))))

(define (take-line! end next)
  ;; the text of the bytes from in-start to END; NEXT is then the first byte not taken
  (let* ((n (fx- end in-start))
         (bytes (make-bytevector n)))
    (bytevector-copy! in-buffer in-start bytes 0 n)
    (set! in-start next)
    (utf8->string bytes)))

(define (get-request-line)
  ;; the next line of stdin, without its newline; the eof object at the end
  (let scan ((i in-start))
    (cond ((fx= i in-end)
           (let ((scanned (fx- i in-start)))
             (cond ((fill-buffer!) (scan (fx+ in-start scanned)))
                   ((fx= in-start in-end) (eof-object))
                   (else (take-line! in-end in-end)))))
          ((fx= (bytevector-u8-ref in-buffer i) 10) (take-line! i (fx+ i 1)))
          (else (scan (fx+ i 1))))))

(define (get-request-bytes n)
  ;; the next N bytes of stdin, or #f if it ends before them
  (let* ((data (make-bytevector n))
         (buffered (fxmin n (fx- in-end in-start))))
    (bytevector-copy! in-buffer in-start data 0 buffered)
    (set! in-start (fx+ in-start buffered))
    (let loop ((have buffered))
      (if (fx= have n)
          data
          (let ((got (get-bytevector-n! in data have (fx- n have))))
            (and (fixnum? got) (fx> got 0) (loop (fx+ have got))))))))

;; ---------------------------------------------------------------- binary blocks

;; The answers to a block are bytes, written to stdout through block-out, a
;; binary port of its own.  While a block runs, the concept code's
;; current-output-port is block-output, which writes what it is given (as
;; UTF-8) to block-out too, before the answer of the call that printed it, as
;; on the text path.  Both are flushed at the end of every block, and the
;; console port `out` after every text answer, so the two never interleave.
(define block-out
  (parameterize ((file-buffer-size 65536))
    (standard-output-port (buffer-mode block))))

(define block-output
  (make-custom-textual-output-port "stdout"
    (lambda (s start n)
      (put-bytevector block-out (string->utf8 (substring s start (fx+ start n))))
      (flush-output-port block-out)
      n)
    #f #f #f))

(define record (make-bytevector 9 0))   ; the answer of an inexact real: 0 and its 8 bytes
(define flushed 0)                      ; (real-time) when the answers were last flushed

(define (wire-double data at)
  ;; the double at AT in DATA; a NaN as on the text path (see wire-nan)
  (let ((x (bytevector-ieee-double-ref data at (endianness little))))
    (if (fl= x x) x wire-nan)))

(define (answer-calls procs data id0 count row call-end)
  ;; Answer the calls of a block from ROW, which starts at CALL-END in DATA, on:
  ;; #f when every one is answered, else (ROW . OFFSET) of the call after one
  ;; that raised (whose error is answered).  One handler for a run of calls.
  (define next 0)   ; where the next datum starts in DATA
  (define (u32 at) (bytevector-u32-ref data at (endianness little)))
  (define (magnitude-at at)
    ;; the integer of the length (4 bytes) and the little-endian bytes at AT
    (let ((n (u32 at)))
      (set! next (fx+ at (fx+ 4 n)))
      (if (fx= n 0) 0 (bytevector-uint-ref data (fx+ at 4) (endianness little) n))))
  (define (item)
    ;; the tagged datum at NEXT, which moves past it
    (let ((at next))
      (case (bytevector-u8-ref data at)
        ((0) (set! next (fx+ at 9))
             (wire-double data (fx+ at 1)))
        ((2) (set! next (fx+ at 9))
             (bytevector-s64-ref data (fx+ at 1) (endianness little)))
        ((3) (set! next (fx+ at 5))
             (items (u32 (fx+ at 1))))
        ((5) (let ((n (u32 (fx+ at 1))))
               (set! next (fx+ at (fx+ 5 (fx* 8 n))))
               (let collect ((k (fx- n 1)) (xs '()))
                 (if (fx< k 0)
                     xs
                     (collect (fx- k 1) (cons (wire-double data (fx+ at (fx+ 5 (fx* 8 k)))) xs))))))
        ((7) (let ((m (magnitude-at (fx+ at 2))))
               (if (fx= (bytevector-u8-ref data (fx+ at 1)) 1) (- m) m)))
        ((8) (let* ((m (magnitude-at (fx+ at 2)))
                    (n (if (fx= (bytevector-u8-ref data (fx+ at 1)) 1) (- m) m)))
               (/ n (magnitude-at next))))
        ((6) (let* ((n (u32 (fx+ at 1)))
                    (text (make-bytevector n)))
               (bytevector-copy! data (fx+ at 5) text 0 n)
               (set! next (fx+ at (fx+ 5 n)))
               (read-request (utf8->string text))))
        (else (error 'request "bad tag in a binary request" (bytevector-u8-ref data at))))))
  (define (items n)
    ;; N tagged data from NEXT on, as a list
    (let collect ((k n) (xs '()))
      (if (fx= k 0)
          (reverse xs)
          (collect (fx- k 1) (cons (item) xs)))))
  (guard (c ((caught? c)
             (put-error-answer! (fx+ id0 row) c)
             (flush-output-port block-output)
             (put-u8 block-out 1)
             (put-bytevector block-out (string->utf8 (get-output-string answer)))
             (flush-output-port block-out)
             (set! flushed (real-time))
             (cons (fx+ row 1) call-end)))
    (let loop ()
      (if (fx= row count)
          #f
          (let ((at call-end))
            ;; the call's size comes first, so that the next call is found even
            ;; when this one's arguments cannot be read
            (set! call-end (fx+ at (fx+ 7 (u32 (fx+ at 3)))))
            (set! next (fx+ at 7))
            (let* ((proc (vector-ref procs (bytevector-u16-ref data at (endianness little))))
                   (arity (bytevector-u8-ref data (fx+ at 2)))
                   (v (case arity
                        ((1) (proc (item)))
                        ((2) (let* ((x (item)) (y (item))) (proc x y)))
                        (else (apply proc (items arity))))))
              (unless (fx= (textual-port-output-index block-output) 0)
                (flush-output-port block-output))   ; what the call printed goes first
              (if (flonum? v)
                  (begin
                    (bytevector-ieee-double-set! record 1 v (endianness little))
                    (put-bytevector block-out record))
                  (begin
                    (put-char answer #\[)
                    (put-string answer (number->string (fx+ id0 row)))
                    (put-string answer ",\"ok\",")
                    (encode v answer)
                    (put-string answer "]\n")
                    (put-u8 block-out 1)
                    (put-bytevector block-out (string->utf8 (get-output-string answer)))))
              (let ((now (real-time)))
                (when (fx> (fx- now flushed) 2)
                  (flush-output-port block-out)
                  (set! flushed now)))
              (set! row (fx+ row 1))
              (loop)))))))

(define (serve-block procs line)
  ;; Answer the binary block whose header is LINE (see the header of this file).
  (let* ((header (cdr (read (open-input-string line))))
         (id0 (car header))
         (count (cadr header))
         (data (get-request-bytes (caddr header))))
    (when data
      (set! flushed (real-time))
      (parameterize ((current-output-port block-output))
        (let resume ((more (answer-calls procs data id0 count 0 0)))
          (when more
            (resume (answer-calls procs data id0 count (car more) (cdr more))))))
      (flush-output-port block-output)
      (flush-output-port block-out))))

(define (serve procs)
  ;; One handler for a run of calls, not one per call: a call that raises
  ;; answers its error, and serving goes on with the next line.
  (let outer ()
    (let ((id #f))
      (guard (c ((caught? c)
                 (put-error-answer! id c)
                 (emit-answer!)
                 (outer)))
        (let loop ()
          (let ((line (get-request-line)))
            (unless (eof-object? line)
              (set! id #f)
              (if (and (fx> (string-length line) 2) (char=? (string-ref line 1) #\b))
                  (serve-block procs line)
                  (let ((req (parse-request line)))
                    (set! id (car req))
                    (unless (fixnum? id) (set! id #f) (error 'request "not a request" line))
                    (let ((v (apply (vector-ref procs (cadr req)) (cddr req))))
                      (put-char answer #\[)
                      (put-string answer (number->string id))
                      (put-string answer ",\"ok\",")
                      (encode v answer)
                      (put-string answer "]\n")
                      (emit-answer!))))
              (loop))))))))

;; ================================================================ start-up

(define (emit-line . parts)
  (for-each (lambda (p) (put-string out p)) parts)
  (newline out)
  (flush-output-port out))

(define (parse-arguments args)
  ;; (LIBRARIES SOURCES NAMES) from the command line
  (let loop ((args args) (libraries '()) (sources '()))
    (cond ((null? args) (error 'chez.scm "no -- before the names"))
          ((string=? (car args) "--")
           (list (reverse libraries) (reverse sources) (cdr args)))
          ((and (> (string-length (car args)) 0) (char=? (string-ref (car args) 0) #\())
           (loop (cdr args) (cons (read (open-input-string (car args))) libraries) sources))
          (else (loop (cdr args) libraries (cons (car args) sources))))))

(define (make-environment libraries)
  ;; environment gives an immutable environment; its mutable copy takes definitions.
  (copy-environment (apply environment '(scheme base) '(scheme inexact) libraries) #t))

(define (main args)
  (let* ((parsed (parse-arguments args))
         (env (make-environment (car parsed))))
    (for-each (lambda (file)
                (set! loading file)
                (load file (lambda (form) (eval form env))))
              (cadr parsed))
    (set! loading "")
    (let ((procs (list->vector
                   (map (lambda (name)
                          (let ((sym (string->symbol name)))
                            (if (top-level-bound? sym env)
                                (top-level-value sym env)
                                (begin
                                  (emit-line "[\"missing\"," (json-string name) "]")
                                  (exit 3)))))
                        (caddr parsed)))))
      (emit-line "[\"ready\"," (number->string (vector-length procs)) ",0,0]")
      (serve procs)
      (exit 0))))

(guard (c ((caught? c)
           (let ((text (condition-text c)))
             (emit-line "[\"load-error\"," (json-string (car text)) "," (json-string (cdr text))
                        "," (json-string loading) "]"))
           (exit 2)))
  (main (command-line-arguments)))

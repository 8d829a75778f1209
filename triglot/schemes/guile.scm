;;; guile.scm — the GNU Guile shim: load the concept files into an R7RS-small
;;; environment and answer calls read from standard input, one JSON line each.
;;;
;;; usage:   guile --no-auto-compile -s guile.scm [--cache DIR [--server KEY]] [(LIBRARY NAME) ...] SOURCE ... -- NAME ...
;;;          a (LIBRARY NAME) argument adds that library to the environment;
;;;          a SOURCE is FILE (read and evaluated form by form: interpreted) or
;;;          --compile KEY TEXT FILE (compiled: TEXT holds FILE's text, KEY names it)
;;; startup: ["ready",COUNT,COMPILED,CACHED]  or  ["load-error",KIND,MESSAGE,FILE]
;;;          or  ["missing",NAME]; COMPILED sources were compiled now, CACHED ones
;;;          were loaded from the cache
;;; request: (ID INDEX ARG ...)   INDEX into the NAMEs; each ARG is data
;;;          (numbers, #t/#f, lists) and is never evaluated
;;; binary:  (b ID COUNT SIZE) followed by SIZE bytes: COUNT calls, with IDs
;;;          ID, ID+1, ..., each the INDEX (2 bytes), the number of ARGs (1
;;;          byte), the size of the ARGs in bytes (4 bytes) and the ARGs,
;;;          each a tag byte and its data: 0 and an
;;;          IEEE-754 double (8 bytes); 2 and an exact integer (8 bytes,
;;;          signed); 3, a count (4 bytes) and that many tagged items, a list;
;;;          5, a count (4 bytes) and that many doubles, a list of doubles;
;;;          7, a sign byte (1 negative) and a magnitude, an integer beyond 8
;;;          bytes; 8, a sign byte and two magnitudes, a ratio; 6, a length (4
;;;          bytes) and the UTF-8 text of any other datum, which is read as on
;;;          the text path.  A magnitude is a length (4 bytes) and that many
;;;          bytes: no decimal digits to parse.  All numbers little-endian.
;;;          Each call is answered, in order: the byte 0 and the
;;;          result's 8 bytes (little-endian) when it is an inexact real, else
;;;          the byte 1 and the call's ordinary answer line, so an exact result,
;;;          a non-real, a list or an error travels exactly as on the text path.
;;;          The 9-byte answers are gathered in a bytevector and written
;;;          and flushed in bursts, about 2 ms apart (the clock is read every
;;;          32 calls), and at the end of the block, not after each call: a
;;;          write per call would cost twice the call.  So a crash or a hang cannot be
;;;          pinned on its call from the answers a block gives; the runner
;;;          sends the calls after the last answer again as text lines, one
;;;          answer flushed per call, and the failure is pinned there.
;;; answer:  [ID,"ok",V]  or  [ID,"error",KEY,MESSAGE]
;;;          V is "f<real>" (inexact), "x<real>" (exact), "c<re> <im>"
;;;          (non-real), true/false, or a JSON array of V; and, for the
;;;          phrasebook, "s<string>", "h<char>", "y<symbol>", "u" (unspecified),
;;;          {"vector":[V,...]}, {"pair":[V,V]}, "o<printed object>".
;;;
;;; The files see only (scheme base) and (scheme inexact): what R7RS-small
;;; promises, so a Guile extension in a concept file fails here, loudly.
;;;
;;; The compiled-file cache.  Guile runs compiled code about five times
;;; faster than it interprets it, but compiling the concept files takes far
;;; longer than the rest of the start-up, so the code compiled from each
;;; source is kept in DIR/guile-VERSION-HOST/KEY.go and loaded from there at
;;; the next start.  The caller computes KEY, a hash of this shim, the
;;; libraries, and the texts of this source and of every source before it
;;; (their definitions and macros are what the compiler sees), and gives TEXT,
;;; a copy of FILE holding exactly the text KEY names, so that a file edited
;;; while Guile starts is never kept under the wrong key.  Guile's version
;;; names the folder.  A changed source, shim, library list or Guile thus
;;; looks for a new file and compiles it afresh: a stale file is never loaded.
;;;
;;; The code is compiled with the environment as its module: its free names
;;; are resolved there, the macros' at compile time and the others' when the
;;; code runs, just as for interpreted code, and a Guile extension in a
;;; concept file still fails, loudly.  (What the compiler folds is another
;;; matter: Guile 3.0.8 compiles (/ 1.0 0) to +inf.0, which its interpreter
;;; refuses, so the caller interprets the phrasebook's constant cells; the
;;; concept files give identical results either way.)  A .go file is
;;; the compiled code (an ELF image) followed by a trailer, "triglot-go" and
;;; the code's length; it is written to a temporary name and renamed, so two
;;; processes starting at once never see half of one.  A file whose trailer
;;; is wrong, or that Guile will not load, is compiled again and replaced.
;;; Without DIR, or when DIR cannot be written, the sources are compiled at
;;; every start.

(use-modules (ice-9 binary-ports) (ice-9 exceptions) (ice-9 format) (ice-9 rdelim)
             (rnrs bytevectors) (scheme eval) (system base compile) (system vm loader))

(define env #f)  ; (scheme base) and (scheme inexact), plus the libraries named on the command line
(define cache #f)         ; the folder of compiled files for this Guile, or #f
(define loading "")       ; the source being loaded, named in a load-error
(define compiled 0)       ; sources compiled at this start
(define cached 0)         ; sources loaded from the cache at this start

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

;; ---------------------------------------------------------------- loading sources

(define (read-forms file name)
  "The forms in FILE; a read error names the source NAME, line and column."
  (call-with-input-file file
    (lambda (port)
      (set-port-filename! port name)
      (let loop ((forms '()))
        (let ((form (read port)))
          (if (eof-object? form)
              (reverse forms)
              (loop (cons form forms))))))))

(define (load-source file)
  "Interpret FILE: read and evaluate its forms one at a time."
  (for-each (lambda (form) (eval form env)) (read-forms file file)))

(define (in-environment thunk)
  "Run THUNK with the environment as the current module, where compiled
top-level code defines and looks up its names."
  (save-module-excursion
    (lambda ()
      (set-current-module env)
      (thunk))))

(define (compile-forms forms)
  "The bytecode (an ELF image) of FORMS, compiled as one unit in the environment."
  (compile (cons 'begin forms) #:env env #:to 'bytecode
           #:optimization-level 2 #:warning-level 0))

(define trailer-mark (string->utf8 "triglot-go"))
(define trailer-size (+ (bytevector-length trailer-mark) 8))

(define (with-trailer code)
  "CODE followed by its trailer: the mark and CODE's length."
  (let* ((n (bytevector-length code))
         (out (make-bytevector (+ n trailer-size) 0)))
    (bytevector-copy! code 0 out 0 n)
    (bytevector-copy! trailer-mark 0 out n (bytevector-length trailer-mark))
    (bytevector-u64-set! out (+ n (bytevector-length trailer-mark)) n (endianness big))
    out))

(define (without-trailer data)
  "The code in DATA (a .go file's bytes), or #f if its trailer is not right."
  (let* ((size (bytevector-length data))
         (n (- size trailer-size))
         (mark-size (bytevector-length trailer-mark)))
    (and (>= n 0)
         (let ((mark (make-bytevector mark-size)))
           (bytevector-copy! data n mark 0 mark-size)
           (bytevector=? mark trailer-mark))
         (= n (bytevector-u64-ref data (+ n mark-size) (endianness big)))
         (let ((code (make-bytevector n)))
           (bytevector-copy! data 0 code 0 n)
           code))))

(define (cache-file key)
  (and cache (string-append cache "/" key ".go")))

(define (cached-thunk key)
  "The top-level thunk of the cached code named KEY, or #f when there is none
or it is damaged (a bad trailer, or Guile will not load it)."
  (let ((go (cache-file key)))
    (and go
         (file-exists? go)
         (catch #t
           (lambda ()
             (let ((code (without-trailer (call-with-input-file go get-bytevector-all #:binary #t))))
               (and code (load-thunk-from-memory code))))
           (lambda _ #f)))))

(define (store! key code)
  "Write CODE to the cache under KEY: to a temporary file, then renamed into
place.  A cache that cannot be written is no error: the code is just not kept."
  (store-file! (cache-file key) code))

(define (store-file! go code)
  "Write CODE, with its trailer, to the file GO (if GO is not #f), as store! does."
  (when go
    (catch #t
      (lambda ()
        (unless (file-exists? cache)
          (catch 'system-error (lambda () (mkdir cache)) (lambda _ #f)))
        (let* ((port (mkstemp (string-append go ".XXXXXX") "wb"))
               (tmp (port-filename port)))
          (catch #t
            (lambda ()
              (put-bytevector port (with-trailer code))
              (close-port port)
              (chmod tmp (logand #o666 (lognot (umask))))
              (rename-file tmp go))
            (lambda _
              (close-port port)
              (false-if-exception (delete-file tmp))))))
      (lambda _ #f))))

(define (compiled-thunk key text file)
  "Compile TEXT (FILE's text), keep the code under KEY, and return its thunk.
If TEXT is gone (the cache was emptied meanwhile), compile FILE, and keep nothing."
  (let* ((keep? (file-exists? text))
         (code (compile-forms (read-forms (if keep? text file) file))))
    (set! compiled (+ compiled 1))
    (when keep?
      (store! key code))
    (load-thunk-from-memory code)))

(define (load-compiled key text file)
  "Load FILE compiled: from the cache if it holds KEY, else compiled now."
  (let ((thunk (cached-thunk key)))
    (if thunk
        (set! cached (+ cached 1))
        (set! thunk (compiled-thunk key text file)))
    (in-environment thunk)))

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

(define (answer-text id v)
  (string-append "[" (number->string id) ",\"ok\"," (encode v) "]"))

(define (error-text id key args)
  (let ((c (condition-text key args)))
    (string-append "[" (if id (number->string id) "null") ",\"error\","
                   (json-string (car c)) "," (json-string (cdr c)) "]")))

;; The shim itself is interpreted (guile --no-auto-compile), which makes this
;; loop, run once per call, cost twice what it does compiled.  With a cache
;; and a --server KEY, it is compiled once and kept as KEY.server in the
;; cache (loading Guile's compiler costs a tenth of a second); otherwise, or
;; if anything goes wrong, it is interpreted.  The server is made when the
;; first binary block comes.
(define shim-module (current-module))
(define server-key #f)     ; names the compiled server in the cache (the caller hashes this shim)
(define binary-server #f)

(define (in-shim-module thunk)
  (save-module-excursion
    (lambda ()
      (set-current-module shim-module)
      (thunk))))

(define (compiled-server)
  "The binary server, compiled: from the cache, else compiled now and kept; or #f."
  (let ((file (and cache server-key (string-append cache "/" server-key ".server"))))
    (and file
         (catch #t
           (lambda ()
             (let ((code (or (and (file-exists? file)
                                  (without-trailer (call-with-input-file file get-bytevector-all #:binary #t)))
                             (let ((code (compile binary-server-code #:env shim-module #:to 'bytecode
                                                  #:optimization-level 2 #:warning-level 0)))
                               (store-file! file code)
                               code))))
               (in-shim-module (load-thunk-from-memory code))))
           (lambda _ #f)))))

(define (serve-binary procs line)
  "Answer one binary block, whose header is LINE (see the header of this file):
a call that raises answers its error, and the block goes on with the next call."
  (unless binary-server
    (set! binary-server (or (compiled-server) (eval binary-server-code shim-module))))
  (binary-server procs line))

(define binary-server-code
  '(lambda (procs line)
    (let* ((header (cdr (read (open-input-string line))))
           (id0 (car header))
           (count (cadr header))
           (data (get-bytevector-n (current-input-port) (caddr header)))
           (out (current-output-port))
           (records (make-bytevector (* 9 count) 0))  ; answers of 9 bytes not yet written…
           (filled 0)                                  ; …up to here
           (next 0)                     ; where the next datum starts in DATA
           (burst (quotient internal-time-units-per-second 500))  ; 2 ms
           (flushed (get-internal-real-time)))
      (define (item)
        ;; the tagged datum at NEXT, which moves past it
        (let ((at next))
          (case (bytevector-u8-ref data at)
            ((0) (set! next (+ at 9))
                 (bytevector-ieee-double-ref data (+ at 1) (endianness little)))
            ((2) (set! next (+ at 9))
                 (bytevector-s64-ref data (+ at 1) (endianness little)))
            ((3) (set! next (+ at 5))
                 (items (bytevector-u32-ref data (+ at 1) (endianness little))))
            ((5) (let ((n (bytevector-u32-ref data (+ at 1) (endianness little))))
                   (set! next (+ at 5 (* 8 n)))
                   (let collect ((k (- n 1)) (xs '()))
                     (if (< k 0)
                         xs
                         (collect (- k 1) (cons (bytevector-ieee-double-ref
                                                  data (+ at 5 (* 8 k)) (endianness little))
                                                xs))))))
            ((7) (let ((m (magnitude-at (+ at 2))))
                   (if (= (bytevector-u8-ref data (+ at 1)) 1) (- m) m)))
            ((8) (let* ((m (magnitude-at (+ at 2)))
                        (n (if (= (bytevector-u8-ref data (+ at 1)) 1) (- m) m)))
                   (/ n (magnitude-at next))))
            ((6) (let* ((n (bytevector-u32-ref data (+ at 1) (endianness little)))
                        (text (make-bytevector n)))
                   (bytevector-copy! data (+ at 5) text 0 n)
                   (set! next (+ at 5 n))
                   (read (open-input-string (utf8->string text)))))
            (else (error "bad tag in a binary request:" (bytevector-u8-ref data at))))))
      (define (spill!)
        ;; write the 9-byte answers gathered so far
        (put-bytevector out records 0 filled)
        (set! filled 0))
      (define (magnitude-at at)
        ;; the integer of the length (4 bytes) and the little-endian bytes at AT; NEXT moves past it
        (let ((n (bytevector-u32-ref data at (endianness little))))
          (set! next (+ at 4 n))
          (if (= n 0) 0 (bytevector-uint-ref data (+ at 4) (endianness little) n))))
      (define (items n)
        ;; N tagged data from NEXT on, as a list
        (let collect ((k n) (xs '()))
          (if (= k 0)
              (reverse! xs)
              (collect (- k 1) (cons (item) xs)))))
      (define (run start offset)
        ;; the calls from START (at OFFSET in DATA) on: #f when all are answered, else
        ;; (ROW . OFFSET) of the call after the one that raised
        (let ((row start) (call-end offset))
          (catch #t
            (lambda ()
              (let loop ()
                (when (< row count)
                  (let ((at call-end))
                    ;; the call's size comes first, so that the next call is found even
                    ;; when this one's arguments cannot be read
                    (set! call-end (+ at 7 (bytevector-u32-ref data (+ at 3) (endianness little))))
                    (set! next (+ at 7))
                    (let* ((proc (vector-ref procs (bytevector-u16-ref data at (endianness little))))
                           (v (apply proc (items (bytevector-u8-ref data (+ at 2))))))
                      (if (and (real? v) (inexact? v))
                          (begin
                            (bytevector-u8-set! records filled 0)
                            (bytevector-ieee-double-set! records (+ filled 1) v (endianness little))
                            (set! filled (+ filled 9)))
                          (begin
                            (spill!)
                            (put-u8 out 1)
                            (display (answer-text (+ id0 row) v) out)
                            (newline out)))
                      (when (= 0 (logand row 31))  ; the clock read every 32 calls
                        (let ((now (get-internal-real-time)))
                          (when (> (- now flushed) burst)
                            (spill!)
                            (force-output out)
                            (set! flushed now))))))
                  (set! row (+ row 1))
                  (loop)))
              #f)
            (lambda (key . args)
              (spill!)
              (put-u8 out 1)
              (display (error-text (+ id0 row) key args) out)
              (newline out)
              (force-output out)
              (cons (+ row 1) call-end)))))
      (let resume ((more (run 0 0)))
        (when more
          (resume (run (car more) (cdr more)))))
      (spill!)
      (force-output out))))

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
              (if (string-prefix? "(b " line)
                (serve-binary procs line)
              (let ((req (parse-request line)))
                (set! id (car req))
                (let ((v (apply (vector-ref procs (cadr req)) (cddr req))))
                  (emit "[" id ",\"ok\"," (encode v) "]"))))
              (loop (read-line)))))
        (lambda (key . args)
          (let ((c (condition-text key args)))
            (emit "[" (or id "null") ",\"error\"," (json-string (car c)) "," (json-string (cdr c)) "]"))
          (outer))))))

;; ---------------------------------------------------------------- start-up

(define (make-environment libraries)
  "The module the sources are loaded into: (scheme base), (scheme inexact) and
LIBRARIES, named (triglot sources) so that the syntax in cached macros, which
records its module by name, finds this one."
  (let ((m (apply environment '(scheme base) '(scheme inexact) libraries)))
    (set-module-name! m '(triglot sources))
    (nested-define-module! (resolve-module '() #f) '(triglot sources) m)
    m))

(define (cache-folder dir)
  "DIR's folder for the compiled files of this Guile: its version names it."
  (string-append dir "/guile-" (version) "-" %host-type))

(define (parse-arguments args)
  "Return (CACHE LIBRARIES SOURCES NAMES) from the command line; a source is
(FILE) to interpret or (FILE KEY TEXT) to compile."
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
          ((string-prefix? "(" (car args))
           (loop (cdr args) dir (cons (with-input-from-string (car args) read) libraries) sources))
          (else (loop (cdr args) dir libraries (cons (list (car args)) sources))))))

(define (load-sources sources)
  (for-each (lambda (source)
              (set! loading (car source))
              (if (null? (cdr source))
                  (load-source (car source))
                  (load-compiled (cadr source) (caddr source) (car source))))
            sources)
  (set! loading ""))

(define (main args)
  (let* ((parsed (parse-arguments args))
         (names (list-ref parsed 3)))
    (set! cache (and (car parsed) (cache-folder (car parsed))))
    (set! env (make-environment (cadr parsed)))
    (load-sources (caddr parsed))
    (let ((procs (list->vector
                   (map (lambda (name)
                          (catch #t
                            (lambda () (eval (string->symbol name) env))
                            (lambda _ (emit "[\"missing\"," (json-string name) "]") (exit 3))))
                        names))))
      (emit "[\"ready\"," (vector-length procs) "," compiled "," cached "]")
      (serve procs))))

(fluid-set! %default-port-encoding "UTF-8")  ; the concept files are UTF-8, whatever the locale
(set-port-encoding! (current-input-port) "UTF-8")
(set-port-encoding! (current-output-port) "UTF-8")
(catch #t
  (lambda () (main (cdr (command-line))))
  (lambda (key . args)
    (let ((c (condition-text key args)))
      (emit "[\"load-error\"," (json-string (car c)) "," (json-string (cdr c)) ","
            (json-string loading) "]"))
    (exit 2)))

;;; logistic-regression — k features, trained by gradient descent and by Newton's method.
;;; rows is a list of feature lists; a model is (weights bias), weights a list.
;;; Sums run left to right, one term at a time, in every language.

;;> u·v = Σ uᵢvᵢ, summed left to right.
;;> (dot (1.0 2.0) (3.0 4.0)) ⇒ 11.0
(define (dot u v)
  (let loop ((u u) (v v) (total 0.0))
    (if (null? u)
        total
        (loop (cdr u) (cdr v) (+ total (* (car u) (car v)))))))

;;> x with A x = v: Gaussian elimination with partial pivoting (the first row
;;> with the largest |pivot|), then back substitution.
;;> (solve ((2.0 1.0) (1.0 3.0)) (3.0 5.0)) ⇒ (0.8 1.4)
(define (solve a v)
  (let* ((n (length v))
         (m (list->vector (map (lambda (row x) (list->vector (append row (list x)))) a v))))
    (define (at r c) (vector-ref (vector-ref m r) c))
    (do ((col 0 (+ col 1))) ((= col n))
      (let ((p (let loop ((r (+ col 1)) (best col))
                 (cond ((= r n) best)
                       ((> (abs (at r col)) (abs (at best col))) (loop (+ r 1) r))
                       (else (loop (+ r 1) best))))))
        (let ((row (vector-ref m p)))
          (vector-set! m p (vector-ref m col))
          (vector-set! m col row)))
      (do ((r (+ col 1) (+ r 1))) ((= r n))
        (let ((f (/ (at r col) (at col col))))
          (do ((c col (+ c 1))) ((> c n))
            (vector-set! (vector-ref m r) c (- (at r c) (* f (at col c))))))))
    (let ((x (make-vector n 0.0)))
      (do ((r (- n 1) (- r 1))) ((< r 0) (vector->list x))
        (let loop ((c (+ r 1)) (s (at r n)))
          (if (= c n)
              (vector-set! x r (/ s (at r r)))
              (loop (+ c 1) (- s (* (at r c) (vector-ref x c))))))))))

;;> (Σ rᵢ·xᵢ  Σ rᵢ) with rᵢ = σ(w·xᵢ + b) − yᵢ: the summed gradient of the loss.
;;> (gradient-sums (0.0) 0.0 ((1.0) (-1.0)) (1 0)) ⇒ ((-1.0) 0.0)
(define (gradient-sums ws b rows ys)
  (let loop ((rows rows) (ys ys) (gw (map (lambda (w) 0.0) ws)) (gb 0.0))
    (if (null? rows)
        (list gw gb)
        (let ((r (- (stable-sigmoid (+ (dot ws (car rows)) b)) (car ys))))
          (loop (cdr rows) (cdr ys)
                (map (lambda (g x) (+ g (* r x))) gw (car rows))
                (+ gb r))))))

;;> (weights bias) after `epochs` full-batch steps η·(mean gradient), from 0.
;;> (fit-gd ((1.0) (-1.0)) (1 0) 1.0 1) ⇒ ((0.5) 0.0)
(define (fit-gd rows ys rate epochs)
  (let ((n (length rows)))
    (let loop ((ws (map (lambda (x) 0.0) (car rows))) (b 0.0) (k 0))
      (if (>= k epochs)
          (list ws b)
          (let ((g (gradient-sums ws b rows ys)))
            (loop (map (lambda (w gw) (- w (* rate (/ gw n)))) ws (car g))
                  (- b (* rate (/ (cadr g) n)))
                  (+ k 1)))))))

;;> (H g): the Hessian and gradient of Σ L(yᵢ, σ(w·xᵢ + b)) + (λ/2)‖w‖² over
;;> x̃ = (x… 1): H = Σ p̂(1 − p̂) x̃x̃ᵀ + λI (bias unpenalised), g = Σ (p̂ − y) x̃ + λw.
(define (newton-system ws b rows ys penalty)
  (let* ((k (+ (length ws) 1))
         (g (make-vector k 0.0))
         (h (list->vector (map (lambda (j) (make-vector k 0.0)) (iota k)))))
    (for-each
      (lambda (row y)
        (let* ((xt (list->vector (append row (list 1.0))))
               (p (stable-sigmoid (+ (dot ws row) b)))
               (r (- p y))
               (s (* p (- 1 p))))
          (do ((j 0 (+ j 1))) ((= j k))
            (vector-set! g j (+ (vector-ref g j) (* r (vector-ref xt j))))
            (let ((sx (* s (vector-ref xt j)))
                  (hj (vector-ref h j)))
              (do ((l 0 (+ l 1))) ((= l k))
                (vector-set! hj l (+ (vector-ref hj l) (* sx (vector-ref xt l)))))))))
      rows ys)
    (do ((j 0 (+ j 1)) (ws ws (cdr ws))) ((null? ws))
      (vector-set! g j (+ (vector-ref g j) (* penalty (car ws))))
      (vector-set! (vector-ref h j) j (+ (vector-ref (vector-ref h j) j) penalty)))
    (list (map vector->list (vector->list h)) (vector->list g))))

;;> The numbers 0 … n − 1.
(define (iota n)
  (let loop ((k (- n 1)) (out '()))
    (if (< k 0) out (loop (- k 1) (cons k out)))))

;;> (weights bias) after `iterations` Newton steps θ ← θ − H⁻¹g (iteratively
;;> reweighted least squares) on Σ L + (λ/2)‖w‖², from 0.  λ = 0 is the MLE.
;;> (fit-newton ((1.0) (-1.0) (2.0) (-2.0)) (1 0 0 1) 0.0 1) ⇒ ((-0.4) 0.0)
(define (fit-newton rows ys penalty iterations)
  (let loop ((ws (map (lambda (x) 0.0) (car rows))) (b 0.0) (i 0))
    (if (>= i iterations)
        (list ws b)
        (let* ((system (newton-system ws b rows ys penalty))
               (delta (solve (car system) (cadr system))))
          (loop (map - ws delta) (- b (list-ref delta (length ws))) (+ i 1))))))

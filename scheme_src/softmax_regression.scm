;;; softmax-regression — logistic regression for k classes, trained by Newton's method.
;;; rows is a list of feature lists; labels holds each row's class, an exact integer
;;; 0 … classes − 1.  Inside, class c's model is θ_c = (w_c… b_c), so that its
;;; logit is z_c = θ_c·x̃ with x̃ = (x… 1); a fitted model is (W b): the classes'
;;; weight lists, then their intercepts.  Sums run left to right, one term at a time.

;;> (H g): the Hessian and gradient of Σ −log softmax(z)_y + (λ/2)‖W‖² over
;;> θ = (θ₁ … θ_K), entry (c, j) at c·m + j (m = features + 1), intercepts unpenalised:
;;> g_cj = Σ (p̂_c − [y = c]) x̃_j + λw_cj,
;;> H_cj,dl = Σ p̂_c([c = d] − p̂_d) x̃_j x̃_l + λ[c = d, j = l < m − 1],
;;> plus 1 at every (c, j), (d, j): see fit-softmax.
(define (softmax-system thetas rows labels penalty)
  (let* ((m (length (car thetas)))
         (size (* (length thetas) m))
         (g (make-vector size 0.0))
         (h (list->vector (map (lambda (a) (make-vector size 0.0)) (iota size)))))
    (for-each
      (lambda (row y)
        (let* ((xs (append row (list 1.0)))
               (xt (list->vector xs))
               (p (list->vector (softmax (map (lambda (theta) (dot theta xs)) thetas)))))
          (do ((a 0 (+ a 1))) ((= a size))
            (let* ((c (quotient a m)) (j (remainder a m)) (ha (vector-ref h a))
                   (r (- (vector-ref p c) (if (= y c) 1.0 0.0))))
              (vector-set! g a (+ (vector-ref g a) (* r (vector-ref xt j))))
              (do ((b 0 (+ b 1))) ((= b size))
                (let* ((d (quotient b m)) (l (remainder b m))
                       (s (* (vector-ref p c) (- (if (= c d) 1.0 0.0) (vector-ref p d)))))
                  (vector-set! ha b (+ (vector-ref ha b)
                                       (* (* s (vector-ref xt j)) (vector-ref xt l))))))))))
      rows labels)
    (do ((a 0 (+ a 1))) ((= a size))
      (let ((c (quotient a m)) (j (remainder a m)) (ha (vector-ref h a)))
        (when (< j (- m 1))
          (vector-set! g a (+ (vector-ref g a)
                              (* penalty (list-ref (list-ref thetas c) j))))
          (vector-set! ha a (+ (vector-ref ha a) penalty)))
        (do ((b j (+ b m))) ((>= b size))
          (vector-set! ha b (+ (vector-ref ha b) 1.0)))))
    (list (map vector->list (vector->list h)) (vector->list g))))

;;> The first n items of xs.
;;> (list-prefix (1.0 2.0 3.0) 2) ⇒ (1.0 2.0)
(define (list-prefix xs n)
  (if (= n 0) '() (cons (car xs) (list-prefix (cdr xs) (- n 1)))))

;;> xs cut into lists of `size` items.
;;> (chunks (1.0 2.0 3.0 4.0) 2) ⇒ ((1.0 2.0) (3.0 4.0))
(define (chunks xs size)
  (if (null? xs)
      '()
      (cons (list-prefix xs size) (chunks (list-tail xs size) size))))

;;> Each θ_c minus the classes' mean θ: a centred model, Σ_c θ_c = 0.
;;> (centred ((1.0 3.0) (3.0 -1.0))) ⇒ ((-1.0 2.0) (1.0 -2.0))
(define (centred thetas)
  (let ((means (map (lambda (j)
                      (/ (compensated-sum (map (lambda (theta) (list-ref theta j)) thetas))
                         (length thetas)))
                    (iota (length (car thetas))))))
    (map (lambda (theta) (map - theta means)) thetas)))

;;> (W b) after `iterations` Newton steps from 0 on Σ −log softmax(z)_y + (λ/2)‖W‖².
;;> Each step is θ ← θ − H⁻¹g.  Adding one number to every class's intercept
;;> (and, when λ = 0, one vector to every class's weights) changes no probability,
;;> so the loss's Hessian is blind to those directions n_j (1 at column j of every
;;> class): H alone is singular.  g has no part along them, and H is λ times each,
;;> so adding n_j n_jᵀ makes H invertible without changing the step in any other
;;> direction: each step is Newton's among centred models.  The rounding that strays
;;> from them is taken out at the end: the model returned is centred, Σ_c b_c = 0
;;> (and Σ_c w_c = 0), as the penalised optimum is.
;;> (fit-softmax ((1.0) (-1.0)) (1 0) 2 1.0 1) ⇒ (((-0.5) (0.5)) (0.0 0.0))
(define (fit-softmax rows labels classes penalty iterations)
  (let ((m (+ (length (car rows)) 1)))
    (let loop ((thetas (make-list classes (make-list m 0.0))) (i 0))
      (if (< i iterations)
          (let* ((system (softmax-system thetas rows labels penalty))
                 (delta (solve (car system) (cadr system))))
            (loop (chunks (map - (apply append thetas) delta) m) (+ i 1)))
          (let ((model (centred thetas)))
            (list (map (lambda (theta) (list-prefix theta (- m 1))) model)
                  (map (lambda (theta) (list-ref theta (- m 1))) model)))))))

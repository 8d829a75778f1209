;;; softmax-regression — logistic regression for k classes, trained by Newton's method.
;;; rows is a list of feature lists; labels holds each row's class, an exact integer
;;; 0 … classes − 1.  Inside, class c's model is θ_c = [w_c… b_c], so that its
;;; logit is z_c = θ_c·x̃ with x̃ = [x… 1]; a fitted model is [W b]: the classes'
;;; weight lists, then their intercepts.  Sums run left to right, one term at a time.

(import .information [compensated-sum]
        .logistic-regression [dot solve]
        .softmax [softmax])

(defn softmax-system [thetas rows labels penalty]
  "[H g]: the Hessian and gradient of Σ −log softmax(z)_y + (λ/2)‖W‖² over
  θ = (θ₁ … θ_K), entry (c, j) at c·m + j (m = features + 1), intercepts unpenalised:
  g_cj = Σ (p̂_c − [y = c]) x̃_j + λw_cj,
  H_cj,dl = Σ p̂_c([c = d] − p̂_d) x̃_j x̃_l + λ[c = d, j = l < m − 1],
  plus 1 at every (c, j), (d, j): see fit-softmax."
  (setv m (len (get thetas 0))
        size (* (len thetas) m)
        g (* [0.0] size)
        h (lfor _ (range size) (* [0.0] size)))
  (for [#(row y) (zip rows labels :strict True)]
    (setv xt [#* row 1.0]
          p (softmax (lfor theta thetas (dot theta xt))))
    (for [a (range size)]
      (setv #(c j) (divmod a m)
            ha (get h a)
            r (- (get p c) (if (= y c) 1.0 0.0))
            (get g a) (+ (get g a) (* r (get xt j))))
      (for [b (range size)]
        (setv #(d l) (divmod b m)
              s (* (get p c) (- (if (= c d) 1.0 0.0) (get p d)))
              (get ha b) (+ (get ha b) (* s (get xt j) (get xt l)))))))
  (for [a (range size)]
    (setv #(c j) (divmod a m))
    (when (< j (- m 1))
      (setv (get g a) (+ (get g a) (* penalty (get thetas c j)))
            (get h a a) (+ (get h a a) penalty)))
    (for [b (range j size m)]
      (setv (get h a b) (+ (get h a b) 1.0))))
  [h g])

(defn centred [thetas]
  "Each θ_c minus the classes' mean θ: a centred model, Σ_c θ_c = 0.
  (centred [[1.0 3.0] [3.0 -1.0]]) ; => [[-1.0 2.0] [1.0 -2.0]]"
  (setv means (lfor j (range (len (get thetas 0)))
                    (/ (compensated-sum (lfor theta thetas (get theta j))) (len thetas))))
  (lfor theta thetas (lfor #(t mean) (zip theta means) (- t mean))))

(defn fit-softmax [rows labels classes penalty iterations]
  "[W b] after `iterations` Newton steps from 0 on Σ −log softmax(z)_y + (λ/2)‖W‖².
  Each step is θ ← θ − H⁻¹g.  Adding one number to every class's intercept
  (and, when λ = 0, one vector to every class's weights) changes no probability,
  so the loss's Hessian is blind to those directions n_j (1 at column j of every
  class): H alone is singular.  g has no part along them, and H is λ times each,
  so adding n_j n_jᵀ makes H invertible without changing the step in any other
  direction: each step is Newton's among centred models.  The rounding that strays
  from them is taken out at the end: the model returned is centred, Σ_c b_c = 0
  (and Σ_c w_c = 0), as the penalised optimum is.
  (fit-softmax [[1.0] [-1.0]] [1 0] 2 1.0 1) ; => [[[-0.5] [0.5]] [0.0 0.0]]"
  (setv m (+ (len (get rows 0)) 1)
        thetas (lfor _ (range classes) (* [0.0] m)))
  (for [_ (range iterations)]
    (setv [h g] (softmax-system thetas rows labels penalty)
          delta (solve h g)
          thetas (lfor #(c theta) (enumerate thetas)
                       (lfor #(j t) (enumerate theta) (- t (get delta (+ (* c m) j)))))))
  (setv model (centred thetas))
  [(lfor theta model (cut theta -1)) (lfor theta model (get theta -1))])
